package dev.verdict.vertx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.verdict.Request;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
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
   * Decodes a request body that must be one JSON object, in one pass, refusing an object that
   * names a key twice: parsers disagree on which one wins (Vert.x's default takes the last, others
   * the first), so a proxy that checked one `path` could have another one decided. An ambiguous
   * request is refused, as ambiguous paths are.
   *
   * @throws InvalidInputException with a reason safe to show the caller
   */
  public static JsonObject parseObject(Buffer body) throws InvalidInputException {
    JsonParseException cause = null;
    try (JsonParser parser = STRICT.createParser(body.getBytes())) {
      // As Object: Vert.x then wraps a top-level object as a JsonObject (and says so by its type).
      if (JacksonCodec.fromParser(parser, Object.class) instanceof JsonObject object) return object;
    } catch (DecodeException e) {
      cause = e.getCause() instanceof JsonParseException p ? p : null;
    } catch (java.io.IOException e) {
      // A parser that failed to close: the body was read; treat it as unreadable all the same.
    }
    String message = cause == null ? null : cause.getOriginalMessage();
    if (message != null && message.startsWith("Duplicate field")) {
      int open = message.indexOf('\'') + 1;
      throw new InvalidInputException("duplicate key `" + message.substring(open, Math.max(open,
          message.lastIndexOf('\''))) + "` in the request body");
    }
    throw new InvalidInputException("request body is not a json object");
  }

  public static Request fromInput(JsonObject input) throws InvalidInputException {
    if (input == null) throw new InvalidInputException("missing `input` object");
    String method = string(input, "method", true);
    String path = string(input, "path", true);
    String ip = string(input, "ip", false);
    // HTTP methods are case-sensitive: `get` is not GET, and guessing would decide another request.
    if (!isUpperCaseMethod(method)) throw new InvalidInputException("`method` must be an upper-case http method like `GET`");
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

  /** One to sixteen ASCII capitals: {@code [A-Z]{1,16}} without compiling a pattern per request. */
  private static boolean isUpperCaseMethod(String method) {
    if (method.isEmpty() || method.length() > 16) return false;
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c < 'A' || c > 'Z') return false;
    }
    return true;
  }
}
