package dev.verdict.policy;

import dev.verdict.Identity;
import dev.verdict.Request;
import java.util.Map;

/**
 * What a rule expression can see, and nothing else: {@code method}, {@code path}, {@code params},
 * {@code ip}, {@code userAgent}, {@code headers}, {@code user.id}, {@code token} and {@code data}.
 * One per decision; read-only.
 */
public final class ExpressionScope {

  /** Names expressions may use at their root; the compiler refuses any other. */
  public static final java.util.Set<String> VARIABLES =
      java.util.Set.of("method", "path", "params", "ip", "userAgent", "headers", "user", "token", "data");

  private final Request request;
  private final String normalizedPath;
  private final Map<String, String> params;
  private final Identity identity;
  private final Map<String, Object> data;
  private Map<String, Object> user;

  public ExpressionScope(Request request, String normalizedPath, Map<String, String> params, Identity identity,
                         Map<String, Object> data) {
    this.request = request;
    this.normalizedPath = normalizedPath;
    this.params = params;
    this.identity = identity;
    this.data = data;
  }

  public String getMethod() {
    return request.method();
  }

  public String getPath() {
    return normalizedPath;
  }

  public Map<String, String> getParams() {
    return params;
  }

  public String getIp() {
    return request.ip();
  }

  public String getUserAgent() {
    return request.userAgent();
  }

  public Map<String, String> getHeaders() {
    return request.headers();
  }

  public Map<String, Object> getUser() {
    if (user == null) {
      String sub = identity.subject();
      user = sub == null ? Map.of() : Map.of("id", sub);
    }
    return user;
  }

  public Map<String, Object> getToken() {
    return identity.claims();
  }

  public Map<String, Object> getData() {
    return data;
  }
}
