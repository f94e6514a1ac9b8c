package dev.verdict.vertx;

import dev.verdict.Decision;
import dev.verdict.RiskAssessment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON form of a decision, contract v1 (DESIGN.md, "Decision"). */
public final class DecisionJson {

  private DecisionJson() {}

  /**
   * {@code allow}, {@code status}, {@code error} (when denied), {@code rule}, {@code user},
   * {@code required}, {@code risk}, {@code decision_id}; plus {@code reason}, {@code errors} and
   * {@code policy_revision}, which explain the decision, and {@code step_up}, the unmet step-up
   * requirements, only when there are some.
   */
  public static JsonObject toJson(Decision d) {
    JsonObject json = new JsonObject()
        .put("allow", d.allow())
        .put("status", d.status());
    if (d.error() != null) json.put("error", d.error());
    json.put("rule", d.rule());
    json.put("user", d.user());
    json.put("required", new JsonArray(d.required()));
    RiskAssessment risk = d.risk();
    if (risk != null) {
      JsonObject signals = new JsonObject();
      risk.signals().forEach(signals::put);
      json.put("risk", new JsonObject().put("score", risk.score()).put("threshold", risk.threshold())
          .put("signals", signals));
    }
    if (!d.stepUp().isEmpty()) json.put("step_up", new JsonArray(d.stepUp()));
    if (d.reason() != null) json.put("reason", d.reason());
    if (!d.errors().isEmpty()) json.put("errors", new JsonArray(d.errors()));
    json.put("decision_id", d.decisionId());
    json.put("policy_revision", d.policyRevision());
    return json;
  }

  /**
   * The body a gateway answers a denied request with: the public error phrase, the decision id, the
   * rule, and the unmet step-up requirements when there are some, so that a client knows which
   * login to ask for (MFA, a fresh one) before it retries.
   */
  public static JsonObject errorBody(Decision d) {
    JsonObject body = new JsonObject().put("error", d.error()).put("decision_id", d.decisionId());
    if (d.rule() != null) body.put("rule", d.rule());
    if (!d.stepUp().isEmpty()) body.put("step_up", new JsonArray(d.stepUp()));
    return body;
  }
}
