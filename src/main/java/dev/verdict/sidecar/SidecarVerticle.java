package dev.verdict.sidecar;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.vertx.DecisionJson;
import dev.verdict.vertx.RequestJson;
import dev.verdict.vertx.StatusJson;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** One event loop's share of the sidecar; {@link SidecarServer} deploys one per core. */
final class SidecarVerticle extends VerticleBase {

  static final long MAX_BODY_BYTES = 1024 * 1024;
  private static final String DATA_PREFIX = "/v1/data/";

  private final Verdict verdict;
  private final IdentityVerifiers identities;
  private final Metrics metrics;
  private final String host;
  private final int port;
  private HttpServer server;

  SidecarVerticle(Verdict verdict, IdentityVerifiers identities, Metrics metrics, String host, int port) {
    this.verdict = verdict;
    this.identities = identities;
    this.metrics = metrics;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // `/v1/data/*` also matches `/v1/data` itself: one handler for both.
    // No file uploads: the default BodyHandler creates `file-uploads/` in the working directory and
    // stores every multipart file part a caller sends there, never deleting it.
    router.post("/v1/data/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::data);
    router.route("/v1/data/*").handler(ctx -> methodNotAllowed(ctx, "POST"));
    router.get("/health").handler(this::health);
    router.head("/health").handler(ctx -> ctx.response().setStatusCode(verdict.isReady() ? 200 : 503).end());
    router.route("/health").handler(ctx -> methodNotAllowed(ctx, "GET, HEAD"));
    router.get("/v1/status").handler(ctx -> json(ctx, 200, StatusJson.toJson(verdict)));
    router.route("/v1/status").handler(ctx -> methodNotAllowed(ctx, "GET"));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.render(verdict)));
    router.route("/metrics").handler(ctx -> methodNotAllowed(ctx, "GET"));
    router.route().last().handler(ctx -> json(ctx, 404, new JsonObject().put("error", "Not found")));
    router.errorHandler(413, ctx -> json(ctx, 413, new JsonObject().put("error", "Request body too large")
        .put("limit_bytes", MAX_BODY_BYTES)));
    // A body the server cannot decode (e.g. a form field over Vert.x's 8 KiB form attribute limit)
    // is answered as every other malformed request, not with a plain-text `Bad Request`.
    router.errorHandler(400, ctx -> badRequest(ctx, "request body could not be read"));
    router.errorHandler(500, ctx -> json(ctx, 500, new JsonObject().put("error", "Internal error")));
    // Half-open connections must not pile up: idle ones are closed after a minute.
    server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setIdleTimeout(60)
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS));
    return server.requestHandler(router).listen(port, host);
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Readiness: 200 only while a policy is active; before the first one, 503. */
  private void health(RoutingContext ctx) {
    CompiledPolicy policy = verdict.policy();
    if (!verdict.isReady()) {
      json(ctx, 503, new JsonObject().put("status", "unavailable").put("reason", "no policy is active yet"));
      return;
    }
    json(ctx, 200, new JsonObject().put("status", "ok").put("revision", policy.revision())
        .put("packages", policy.packages().size()));
  }

  private void data(RoutingContext ctx) {
    // The path vertx-web routed by (dot segments resolved), so `/v1/data/a/./b` names package a/b.
    String path = ctx.normalizedPath();
    String rest = trimSlashes(path.length() > DATA_PREFIX.length() ? path.substring(DATA_PREFIX.length()) : "");
    boolean allowOnly = rest.equals("allow") || rest.endsWith("/allow");
    String packagePath = trimSlashes(allowOnly ? rest.substring(0, rest.length() - "allow".length()) : rest);
    CompiledPolicy policy = verdict.policy();
    if (!verdict.isReady()) {
      // Fail closed and say so: "undefined" ({}) would read as "no such package".
      json(ctx, 503, new JsonObject().put("error", "Policy unavailable").put("reason", "no policy is active yet"));
      return;
    }
    CompiledPackage pkg = policy.packageAt(packagePath);
    JsonObject body;
    try {
      // No buffer at all for a form or multipart upload: then there is no JSON input either.
      io.vertx.core.buffer.Buffer raw = ctx.body().buffer();
      body = raw == null || raw.length() == 0 ? null : RequestJson.parseObject(raw);
    } catch (RequestJson.InvalidInputException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    if (pkg == null) {
      // As OPA: a path that names no document is undefined, answered as an empty object.
      json(ctx, 200, new JsonObject());
      return;
    }
    Request request;
    try {
      Object input = body == null ? null : body.getValue("input");
      if (input != null && !(input instanceof JsonObject)) throw new RequestJson.InvalidInputException("`input` must be an object");
      request = RequestJson.fromInput((JsonObject) input);
    } catch (RequestJson.InvalidInputException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    identities.verify(pkg, request).onComplete(ar -> {
      Identity identity = ar.succeeded() ? ar.result() : Identity.invalid(String.valueOf(ar.cause()));
      Decision d = verdict.decide(policy, pkg, request, identity);
      metrics.decided(d.outcome());
      JsonObject answer = allowOnly ? new JsonObject().put("result", d.allow())
          : new JsonObject().put("result", DecisionJson.toJson(d));
      json(ctx, 200, answer.put("decision_id", d.decisionId()));
      Shadow shadow = verdict.shadow(); // compared after answering, so it never delays the answer
      if (shadow != null) shadow.compare(pkg, request, identity, d, (p, r) -> identities.verify(p, r).toCompletionStage());
    });
  }

  private static void methodNotAllowed(RoutingContext ctx, String allowed) {
    ctx.response().putHeader("Allow", allowed);
    json(ctx, 405, new JsonObject().put("error", "Method not allowed").put("allowed", allowed));
  }

  private void badRequest(RoutingContext ctx, String reason) {
    metrics.badRequest();
    json(ctx, 400, new JsonObject().put("error", "Bad request").put("reason", reason));
  }

  private static String trimSlashes(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '/') from++;
    while (to > from && s.charAt(to - 1) == '/') to--;
    return s.substring(from, to);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
