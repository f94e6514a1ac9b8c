package dev.verdict.eval;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.RiskAssessment;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.ExpressionScope;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.Signal;
import dev.verdict.policy.StepUpRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides one request against one compiled package. A pure function of its arguments.
 *
 * <p>Order, each step final: path must be unambiguous (else 400); a public route allows unless a
 * deny route also matches; identity must be present (401 {@code Unauthenticated}) and valid (401
 * {@code Invalid token}); an {@code effect: deny} match or no match denies (403); the risk score
 * above the route's threshold requires step-up (403); missing permissions or a false {@code when}
 * deny (403); then every step-up requirement of the route is evaluated, and any that does not hold
 * requires step-up (403), naming each unmet requirement. Any exception along the way denies and
 * is recorded in the decision.
 *
 * <p>Step-up requirements come last because logging in again can satisfy them and nothing else:
 * a user who lacks the permission, or fails {@code when}, is told so rather than sent through an
 * MFA prompt that cannot change the answer. The risk step-up stays before permissions, as it
 * always was: a request that looks hostile learns nothing about what its token may do.
 */
public final class Evaluator {

  private Evaluator() {}

  /**
   * @param now the decision's time in epoch seconds, the value of {@code now} in expressions; the
   *            caller's clock, since this class reads none
   */
  public static Decision decide(CompiledPackage pkg, Request request, Identity identity, long now, CharSequence decisionId,
                                String policyRevision) {
    try {
      return decideUnchecked(pkg, request, identity, now, decisionId, policyRevision);
    } catch (RuntimeException | StackOverflowError e) {
      // INVARIANT: fail closed. Nothing thrown while deciding may turn into an allow.
      return new Decision(Outcome.FORBIDDEN, null, identity.subject(), List.of(), null, "evaluation failed",
          List.of(describe(e)), decisionId, policyRevision);
    }
  }

  private static Decision decideUnchecked(CompiledPackage pkg, Request request, Identity identity, long now,
                                          CharSequence id, String revision) {
    String user = identity.subject();
    NormalizedPath path = NormalizedPath.of(request.path());
    if (path == null) {
      return new Decision(Outcome.BAD_REQUEST, null, user, null, null, "ambiguous request path", null, id, revision);
    }
    String method = request.method();
    RouteMatch deny = pkg.denyRoutes().match(method, path.segments());
    RouteMatch match = pkg.routes().match(method, path.segments());
    CompiledRoute route = match == null ? null : match.route();

    if (route != null && route.isPublic() && deny == null) {
      return new Decision(Outcome.ALLOW, route.id(), user, null, null, "public route", null, id, revision);
    }
    String ruleSoFar = deny != null ? deny.route().id() : route == null ? null : route.id();
    switch (identity.status()) {
      case ANONYMOUS -> {
        return new Decision(Outcome.UNAUTHENTICATED, ruleSoFar, null, null, null, "no token", null, id, revision);
      }
      case INVALID -> {
        return new Decision(Outcome.INVALID_TOKEN, ruleSoFar, null, null, null, identity.failure(), null, id, revision);
      }
      case VERIFIED -> { }
    }
    if (deny != null) {
      return new Decision(Outcome.FORBIDDEN, deny.route().id(), user, null, null, "denied by rule", null, id, revision);
    }
    if (route == null) {
      return new Decision(Outcome.FORBIDDEN, null, user, null, null, "no route matches", null, id, revision);
    }

    ExpressionScope scope = new ExpressionScope(request, path.path(), match.params(), identity, pkg.data(), now);
    List<String> required = route.permissions();
    RiskAssessment risk;
    List<Signal> signals = pkg.signals();
    SignalPoints points = new SignalPoints(signals);
    long score = 0;
    for (int i = 0; i < signals.size(); i++) { // by index: no iterator per decision
      Signal signal = signals.get(i);
      Object value;
      try {
        value = signal.expression().evaluate(scope);
      } catch (RuntimeException e) {
        return failed(route, user, required, "signal `" + signal.name() + "` failed: " + describe(e), id, revision);
      }
      if (!(value instanceof Number n)) {
        return failed(route, user, required, "signal `" + signal.name() + "` gave "
            + (value == null ? "null" : "a " + value.getClass().getSimpleName()) + ", not a number", id, revision);
      }
      double raw = n.doubleValue();
      if (Double.isNaN(raw) || Double.isInfinite(raw)) {
        return failed(route, user, required, "signal `" + signal.name() + "` gave " + raw + ", not a finite number",
            id, revision);
      }
      // INVARIANT: no wrap-around. A plain (int) cast of a huge value can turn high risk negative.
      int p = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(raw)));
      points.add(p);
      score += p;
    }
    risk = new RiskAssessment((int) Math.max(0, Math.min(100, score)), route.riskThreshold(), points);
    if (risk.exceedsThreshold()) {
      return new Decision(Outcome.STEP_UP, route.id(), user, required, risk, "risk score above threshold", null, id,
          revision);
    }
    if (!Permissions.holdsAll(identity.permissions(), required)) {
      return new Decision(Outcome.FORBIDDEN, route.id(), user, required, risk, "missing permission", null, id,
          revision);
    }
    if (route.when() != null) {
      Object value;
      try {
        value = route.when().evaluate(scope);
      } catch (RuntimeException e) {
        return failed(route, user, required, "`when` failed: " + describe(e), id, revision);
      }
      if (!(value instanceof Boolean b)) {
        return failed(route, user, required, "`when` gave " + (value == null ? "null" : "a "
            + value.getClass().getSimpleName()) + ", not true or false", id, revision);
      }
      if (!b) {
        return new Decision(Outcome.FORBIDDEN, route.id(), user, required, risk, "`when` is false", null, id,
            revision);
      }
    }
    List<StepUpRequirement> requirements = route.stepUp();
    if (!requirements.isEmpty()) {
      List<String> unmet = null;
      List<String> absentClaims = null;
      for (StepUpRequirement requirement : requirements) {
        Object value;
        String failure = null;
        try {
          value = requirement.expression().evaluate(scope);
        } catch (RuntimeException e) {
          value = null;
          failure = describe(e);
        }
        if (failure == null && value instanceof Boolean b) {
          if (b) continue;
        } else {
          // INVARIANT: fail closed. A failure is an unmet requirement only when a claim it names is
          // absent (a new login can bring it); anything else is an expression error, which denies.
          String absent = absentClaim(requirement, identity);
          if (absent == null) {
            return failed(route, user, required, "step-up requirement `" + requirement.name() + "` " + (failure != null
                ? "failed: " + failure : "gave " + (value == null ? "null" : "a " + value.getClass().getSimpleName())
                + ", not true or false"), id, revision);
          }
          if (absentClaims == null) absentClaims = new ArrayList<>(2);
          absentClaims.add("`" + requirement.name() + "`: no `" + absent + "` claim");
        }
        if (unmet == null) unmet = new ArrayList<>(requirements.size());
        unmet.add(requirement.name());
      }
      if (unmet != null) {
        return new Decision(Outcome.STEP_UP, route.id(), user, required, risk, List.copyOf(unmet),
            "step-up requirement not met" + (absentClaims == null ? "" : " (" + String.join("; ", absentClaims) + ")"),
            null, id, revision);
      }
    }
    return new Decision(Outcome.ALLOW, route.id(), user, required, risk, null, null, id, revision);
  }

  /** A claim the requirement names that the token does not carry (or carries as null), else {@code null}. */
  private static String absentClaim(StepUpRequirement requirement, Identity identity) {
    Map<String, Object> claims = identity.claims();
    for (String claim : requirement.claimsRead()) {
      if (claims.get(claim) == null) return claim;
    }
    return null;
  }

  private static Decision failed(CompiledRoute route, String user, List<String> required, String error, CharSequence id,
                                 String revision) {
    List<String> errors = new ArrayList<>(1);
    errors.add(error);
    return new Decision(Outcome.FORBIDDEN, route.id(), user, required, null, "expression error", errors, id, revision);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (message != null) message = message.strip().lines().findFirst().orElse("");
    return e.getClass().getSimpleName() + (message == null || message.isEmpty() ? "" : ": " + message);
  }
}
