package dev.verdict.vertx;

import dev.verdict.Decision;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The one handler a service adds to its router: every request it sees is verified and decided;
 * denied requests are answered with 400/401/403 and a JSON body, allowed ones continue with the
 * {@link Decision} on the routing context under {@link #DECISION_KEY}.
 *
 * <pre>{@code
 * Verdict verdict = Verdict.fromDirectory(Path.of("rules"));
 * router.route().handler(VerdictHandler.create(vertx, verdict, "moltbot.http"));
 * router.get("/api/bots/:botId").handler(ctx -> { Decision d = ctx.get(VerdictHandler.DECISION_KEY); ... });
 * }</pre>
 */
public interface VerdictHandler extends Handler<RoutingContext> {

  /** Routing-context key of the {@link Decision} for the current request. */
  String DECISION_KEY = "verdict.decision";

  /**
   * @param packageName the package that guards these routes, e.g. {@code moltbot.http}
   */
  static VerdictHandler create(Vertx vertx, Verdict verdict, String packageName) {
    return new VerdictHandlerImpl(verdict, IdentityVerifiers.create(vertx, verdict::nowEpochSeconds).preparedFor(verdict), packageName, false);
  }

  /**
   * As {@link #create}, but the client address is the right-most {@code X-Forwarded-For} entry: the
   * one the proxy in front appended (entries left of it are whatever the client sent). Only for
   * services that sit directly behind one proxy they trust.
   */
  static VerdictHandler behindTrustedProxy(Vertx vertx, Verdict verdict, String packageName) {
    return new VerdictHandlerImpl(verdict, IdentityVerifiers.create(vertx, verdict::nowEpochSeconds).preparedFor(verdict), packageName, true);
  }
}
