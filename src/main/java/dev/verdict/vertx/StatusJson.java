package dev.verdict.vertx;

import dev.verdict.Decision;
import dev.verdict.Diagnostic;
import dev.verdict.engine.PolicyStatus;
import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON form of a PDP's {@link PolicyStatus} (and of its shadow candidate), as the sidecar's
 * {@code GET /v1/status} answers it; embedding services can serve the same document.
 */
public final class StatusJson {

  private StatusJson() {}

  /**
   * {@code ready}, {@code revision}, {@code activated_at}, {@code files}, {@code packages},
   * {@code reloads} ({@code activations}, {@code failures}, {@code last}), {@code last_error}
   * ({@code at}, {@code problems} as {@code file:line:col: error[code]: message} lines, or
   * {@code null}), and {@code shadow} when a candidate is being compared.
   */
  public static JsonObject toJson(Verdict verdict) {
    JsonObject json = policy(verdict.status());
    Shadow shadow = verdict.shadow();
    if (shadow != null) {
      JsonArray recent = new JsonArray();
      for (Shadow.Disagreement d : shadow.recent()) {
        recent.add(new JsonObject().put("at", time(d.at())).put("package", d.decisionPath())
            .put("method", d.request().method()).put("path", d.request().path()).put("ip", d.request().ip())
            .put("active", brief(d.active())).put("candidate", d.candidate() == null ? null : brief(d.candidate())));
      }
      json.put("shadow", policy(shadow.candidate().status()).put("compared", shadow.compared())
          .put("disagreements", shadow.disagreements()).put("failures", shadow.failures()).put("recent", recent));
    }
    return json;
  }

  private static JsonObject policy(PolicyStatus s) {
    JsonObject json = new JsonObject().put("ready", s.ready()).put("revision", s.revision())
        .put("activated_at", time(s.activatedAt())).put("files", new JsonArray(s.files()))
        .put("packages", new JsonArray(s.packages()));
    JsonObject last = s.lastReload() == null ? null : new JsonObject().put("at", time(s.lastReload().at()))
        .put("result", s.lastReload().result().name().toLowerCase(Locale.ROOT))
        .put("revision", s.lastReload().revision());
    json.put("reloads", new JsonObject().put("activations", s.activations()).put("failures", s.failures())
        .put("last", last));
    if (s.lastError() == null) {
      json.putNull("last_error");
    } else {
      JsonArray problems = new JsonArray();
      for (Diagnostic d : s.lastError().problems()) problems.add(d.toString());
      json.put("last_error", new JsonObject().put("at", time(s.lastError().at())).put("problems", problems));
    }
    return json;
  }

  private static JsonObject brief(Decision d) {
    JsonObject json = new JsonObject().put("allow", d.allow()).put("status", d.status());
    if (d.error() != null) json.put("error", d.error());
    return json.put("rule", d.rule()).put("policy_revision", d.policyRevision());
  }

  private static String time(Instant at) {
    return at == null ? null : at.toString();
  }
}
