package dev.verdict.policy;

import dev.verdict.Identity;
import dev.verdict.Request;
import java.util.Map;

/**
 * What a rule expression can see, and nothing else: {@code method}, {@code path}, {@code params},
 * {@code ip}, {@code userAgent}, {@code headers}, {@code user.id}, {@code token}, {@code data} and
 * {@code now}. One per decision; read-only.
 *
 * <p>{@code now} is the decision's time in epoch seconds, the unit of JWT time claims, so that
 * {@code now - token.auth_time} needs no conversion. It is handed in, never read from a clock
 * here: the evaluator stays a pure function of its arguments, and tests fix the time.
 */
public final class ExpressionScope {

  /** Names expressions may use at their root; the compiler refuses any other. */
  public static final java.util.Set<String> VARIABLES =
      java.util.Set.of("method", "path", "params", "ip", "userAgent", "headers", "user", "token", "data", "now");

  private final Request request;
  private final String normalizedPath;
  private final Map<String, String> params;
  private final Identity identity;
  private final Map<String, Object> data;
  private final long now;
  private Map<String, Object> user;
  private Long boxedNow;

  /** @param now the decision's time, epoch seconds */
  public ExpressionScope(Request request, String normalizedPath, Map<String, String> params, Identity identity,
                         Map<String, Object> data, long now) {
    this.request = request;
    this.normalizedPath = normalizedPath;
    this.params = params;
    this.identity = identity;
    this.data = data;
    this.now = now;
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

  /**
   * A {@code Long}, as JSON parsers give epoch-second claims that outgrow an int, boxed once per
   * decision however many expressions read it.
   */
  public Long getNow() {
    if (boxedNow == null) boxedNow = now;
    return boxedNow;
  }
}
