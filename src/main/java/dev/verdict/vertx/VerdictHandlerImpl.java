package dev.verdict.vertx;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

final class VerdictHandlerImpl implements VerdictHandler {

  private final Verdict verdict;
  private final IdentityVerifiers identities;
  private final String packageName;
  private final boolean trustForwardedFor;

  VerdictHandlerImpl(Verdict verdict, IdentityVerifiers identities, String packageName, boolean trustForwardedFor) {
    this.verdict = verdict;
    this.identities = identities;
    this.packageName = packageName;
    this.trustForwardedFor = trustForwardedFor;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // One snapshot per request: a reload between verification and decision cannot mix policies.
    CompiledPolicy policy = verdict.policy();
    CompiledPackage pkg = policy.packageNamed(packageName);
    if (pkg == null) {
      // Fail closed: a handler pointed at a package that is not loaded protects nothing.
      ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("error", "Policy unavailable").encode());
      return;
    }
    HttpServerRequest http = ctx.request();
    Request request = new Request(http.method().name(), http.path() == null ? "" : http.path(),
        new HeadersView(http.headers()), clientIp(ctx));
    boolean paused = !http.isEnded();
    if (paused) http.pause(); // the body must wait for the decision, not be lost to it
    identities.verify(pkg, request).onComplete(ar -> {
      if (paused) http.resume();
      Identity identity = ar.succeeded() ? ar.result() : Identity.invalid(String.valueOf(ar.cause()));
      Decision decision = verdict.decide(policy, pkg, request, identity);
      ctx.put(DECISION_KEY, decision);
      if (decision.allow()) {
        ctx.next();
      } else {
        deny(ctx, decision);
      }
      Shadow shadow = verdict.shadow(); // compared once the request is on its way: never delays it
      if (shadow != null) shadow.compare(pkg, request, identity, decision, (p, r) -> identities.verify(p, r).toCompletionStage());
    });
  }

  private String clientIp(RoutingContext ctx) {
    if (trustForwardedFor) {
      // The trusted proxy appends the address it saw; everything left of that is client-supplied.
      java.util.List<String> all = ctx.request().headers().getAll("x-forwarded-for");
      if (!all.isEmpty()) {
        String last = all.get(all.size() - 1);
        int comma = last.lastIndexOf(',');
        String ip = (comma < 0 ? last : last.substring(comma + 1)).trim();
        if (!ip.isEmpty()) return ip;
      }
    }
    var remote = ctx.request().remoteAddress();
    return remote == null || remote.host() == null ? "" : remote.host();
  }

  static void deny(RoutingContext ctx, Decision decision) {
    var response = ctx.response().setStatusCode(decision.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("X-Verdict-Decision-Id", decision.decisionId());
    if (decision.status() == 401) response.putHeader("WWW-Authenticate", "Bearer");
    response.end(DecisionJson.errorBody(decision).encode());
  }
}
