package dev.verdict;

import java.util.Map;
import java.util.Objects;

/**
 * The request to decide: what the service is about to route.
 *
 * @param method  upper-case HTTP method
 * @param path    the request path as received (query string allowed; it never takes part in matching)
 * @param headers header values by lower-case name; the caller owns lower-casing so that
 *                adapters can hand in a zero-copy view
 * @param ip      the client address the caller trusts (after its own proxy handling), or empty
 */
public record Request(String method, String path, Map<String, String> headers, String ip) {

  public Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = headers == null ? Map.of() : headers;
    ip = ip == null ? "" : ip;
  }

  public static Request of(String method, String path) {
    return new Request(method, path, Map.of(), "");
  }

  /** The header's value, or {@code null}. {@code lowerCaseName} must already be lower case. */
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /** The {@code User-Agent} header, or the empty string when absent. */
  public String userAgent() {
    String ua = headers.get("user-agent");
    return ua == null ? "" : ua;
  }
}
