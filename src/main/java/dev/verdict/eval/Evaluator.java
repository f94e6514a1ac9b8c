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
import java.util.ArrayList;
import java.util.List;

/**
 * Decides one request against one compiled package. A pure function of its arguments.
 *
 * <p>Order, each step final: path must be unambiguous (else 400); a public route allows unless a
 * deny route also matches; identity must be present (401 {@code Unauthenticated}) and valid (401
 * {@code Invalid token}); an {@code effect: deny} match or no match denies (403); the risk score
 * above the route's threshold requires step-up (403); missing permissions or a false {@code when}
 * deny (403). Any exception along the way denies and is recorded in the decision.
 */
public final class Evaluator {

  private Evaluator() {}

  public static Decision decide(CompiledPackage pkg, Request request, Identity identity, CharSequence decisionId,
                                String policyRevision) {
    try {
      return decideUnchecked(pkg, request, identity, decisionId, policyRevision);
    } catch (RuntimeException | StackOverflowError e) {
      // INVARIANT: fail closed. Nothing thrown while deciding may turn into an allow.
      return new Decision(Outcome.FORBIDDEN, null, identity.subject(), List.of(), null, "evaluation failed",
          List.of(describe(e)), decisionId, policyRevision);
    }
  }

  private static Decision decideUnchecked(CompiledPackage pkg, Request request, Identity identity, CharSequence id,
                                          String revision) {
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

    ExpressionScope scope = new ExpressionScope(request, path.path(), match.params(), identity, pkg.data());
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
    return new Decision(Outcome.ALLOW, route.id(), user, required, risk, null, null, id, revision);
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
