package dev.verdict.vertx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.verdict.Request;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the OPA-style {@code input} document: {@code method}, {@code path}, {@code headers}, {@code ip}. */
public final class RequestJson {

  private RequestJson() {}

  /** A request that does not fit the input contract; the message is safe to show the caller. */
  public static final class InvalidInputException extends Exception {
    public InvalidInputException(String message) {
      super(message);
    }
  }

  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * Refuses a JSON text that names one key twice in an object. Parsers disagree on which one wins
   * (this one takes the last, others the first), so a proxy that checked one `path` could have a
   * different one decided: an ambiguous request is refused, as ambiguous paths are. Other syntax
   * errors are left to the decoder, which reports them.
   */
  public static void rejectDuplicateKeys(byte[] json) throws InvalidInputException {
    try (JsonParser parser = STRICT.createParser(json)) {
      while (parser.nextToken() != null) {
        // Reading is the check: the parser throws at the second occurrence of a key.
      }
    } catch (JsonParseException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field")) {
        String key = message.substring(message.indexOf('\'') + 1, Math.max(message.indexOf('\'') + 1,
            message.lastIndexOf('\'')));
        throw new InvalidInputException("duplicate key `" + key + "` in the request body");
      }
    } catch (java.io.IOException e) {
      // Not a duplicate: the decoder will say what is wrong.
    }
  }

  public static Request fromInput(JsonObject input) throws InvalidInputException {
    if (input == null) throw new InvalidInputException("missing `input` object");
    String method = string(input, "method", true);
    String path = string(input, "path", true);
    String ip = string(input, "ip", false);
    // HTTP methods are case-sensitive: `get` is not GET, and guessing would decide another request.
    if (!method.matches("[A-Z]{1,16}")) throw new InvalidInputException("`method` must be an upper-case http method like `GET`");
    Map<String, String> headers = new HashMap<>();
    Object h = input.getValue("headers");
    if (h != null) {
      if (!(h instanceof JsonObject obj)) throw new InvalidInputException("`headers` must be an object");
      for (Map.Entry<String, Object> e : obj) {
        Object v = e.getValue();
        String name = e.getKey().toLowerCase(Locale.ROOT);
        String separator = name.equals("cookie") ? "; " : ", ";
        // Repeated headers (an array, or keys differing only in case) are combined as HTTP defines,
        // never resolved by order: `Bearer a, Bearer b` is then no valid token at all.
        if (v instanceof JsonArray a) {
          java.util.List<String> parts = new java.util.ArrayList<>();
          for (Object part : a) {
            if (!(part instanceof String p)) throw new InvalidInputException("header `" + e.getKey() + "` must hold strings");
            parts.add(p);
          }
          v = String.join(separator, parts);
        }
        if (!(v instanceof String s)) throw new InvalidInputException("header `" + e.getKey() + "` must be a string");
        headers.merge(name, s, (x, y) -> x + separator + y);
      }
    }
    return new Request(method, path, headers, ip);
  }

  private static String string(JsonObject input, String key, boolean required) throws InvalidInputException {
    Object v = input.getValue(key);
    if (v == null) {
      if (required) throw new InvalidInputException("missing `input." + key + "`");
      return "";
    }
    if (!(v instanceof String s)) throw new InvalidInputException("`input." + key + "` must be a string");
    return s;
  }
}
