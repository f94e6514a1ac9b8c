package dev.verdict.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.Decision;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.RuleFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One {@link Verdict} embedded by several verticles (one per event loop, as services deploy them)
 * is one compiled policy: a reload is seen by every verticle at its next request, by the handler
 * and by the event-bus PDP alike.
 */
@ExtendWith(VertxExtension.class)
class SharedPolicyTest {

  private static final int INSTANCES = 4;
  private static final String OPEN = """
      package: shop.http
      routes:
        - {id: open-v%d, path: /items/**, public: true}
      """;

  /** A service verticle: the Verdict handler, then a route that echoes the deciding rule and revision. */
  static final class ServiceVerticle extends VerticleBase {
    private final Verdict verdict;
    private final int port;

    ServiceVerticle(Verdict verdict, int port) {
      this.verdict = verdict;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      router.route().handler(VerdictHandler.create(vertx, verdict, "shop.http"));
      router.get("/items/*").handler(ctx -> {
        Decision d = ctx.get(VerdictHandler.DECISION_KEY);
        ctx.json(new JsonObject().put("rule", d.rule()).put("revision", d.policyRevision()));
      });
      return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
    }
  }

  @Test
  void everyVerticleDecidesWithTheSameSwappedPolicy(Vertx vertx) throws Exception {
    Verdict verdict = Verdict.fromSources(Map.of("shop.yaml", OPEN.formatted(1)), RuleFiles.STRONG_SECRETS);
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    vertx.deployVerticle(() -> new ServiceVerticle(verdict, port), new DeploymentOptions().setInstances(INSTANCES))
        .await();
    vertx.deployVerticle(new PdpVerticle(verdict)).await();
    // A fresh connection per request, so the requests are spread over every verticle instance.
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(INSTANCES));

    for (int version = 1; version <= 3; version++) {
      if (version > 1) verdict.load(Map.of("shop.yaml", OPEN.formatted(version)));
      Set<String> answers = new HashSet<>();
      for (int i = 0; i < INSTANCES * 4; i++) {
        answers.add(client.request(HttpMethod.GET, port, "127.0.0.1", "/items/" + i)
            .compose(r -> r.send().compose(res -> res.body())).await().toJsonObject().encode());
      }
      String expected = new JsonObject().put("rule", "open-v" + version).put("revision", verdict.policy().revision())
          .encode();
      assertEquals(Set.of(expected), answers);
      JsonObject viaBus = vertx.eventBus().<JsonObject>request(PdpVerticle.ADDRESS, new JsonObject()
          .put("package", "shop.http").put("input", new JsonObject().put("method", "GET").put("path", "/items/1")))
          .await().body();
      assertEquals("open-v" + version, viaBus.getString("rule"));
      assertEquals(verdict.policy().revision(), viaBus.getString("policy_revision"));
    }
  }
}
