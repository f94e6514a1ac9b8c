package dev.verdict.example;

import dev.verdict.Decision;
import dev.verdict.engine.Verdict;
import dev.verdict.vertx.VerdictHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A small Moltbot API protected by Verdict: the embedding example from the README, compiled and
 * exercised by {@link MoltbotServiceTest}. One handler guards every route; the routes themselves
 * hold no security code and read who is calling from the decision.
 */
public final class MoltbotService extends VerticleBase {

  private final Verdict verdict;
  private HttpServer server;

  public MoltbotService(Verdict verdict) {
    this.verdict = verdict;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(VerdictHandler.create(vertx, verdict, "moltbot.http"));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/api/bots/:botId").handler(ctx -> {
      Decision decision = ctx.get(VerdictHandler.DECISION_KEY);
      ctx.json(new JsonObject().put("bot", ctx.pathParam("botId")).put("viewer", decision.user()));
    });
    router.post("/api/bots/:botId/messages").handler(BodyHandler.create(false)).handler(ctx ->
        ctx.json(new JsonObject().put("bot", ctx.pathParam("botId")).put("echo", ctx.body().asString())));
    router.get("/api/admin/*").handler(ctx -> ctx.json(new JsonObject().put("admin", true)));
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(0, "127.0.0.1");
  }

  public int port() {
    return server.actualPort();
  }
}
