package dev.verdict.vertx;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.testing.MoltbotRules;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Decisions over the event bus, as another verticle would ask for them. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PdpVerticleTest {

  private Vertx vertx;

  @BeforeAll
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    vertx.deployVerticle(new PdpVerticle(MoltbotRules.load())).await();
  }

  private JsonObject ask(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(PdpVerticle.ADDRESS, request).await().body();
  }

  @Test
  void validRequest_getsTheDecisionJson() {
    String token = hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").build());
    JsonObject decision = ask(new JsonObject().put("package", "moltbot.http").put("input", new JsonObject()
        .put("method", "GET").put("path", "/api/bots/b1").put("ip", "10.0.0.1")
        .put("headers", new JsonObject().put("authorization", "Bearer " + token).put("user-agent", "Mozilla/5.0"))));
    assertTrue(decision.getBoolean("allow"), decision.encode());
    assertEquals("read-bots", decision.getString("rule"));
  }

  @Test
  void noToken_isUnauthenticated() {
    JsonObject decision = ask(new JsonObject().put("package", "moltbot.http")
        .put("input", new JsonObject().put("method", "GET").put("path", "/api/bots/b1")));
    assertEquals(401, decision.getInteger("status"));
  }

  @Test
  void unknownPackage_failsWith404() {
    ReplyException e = assertThrows(ReplyException.class, () -> ask(new JsonObject().put("package", "nope")
        .put("input", new JsonObject().put("method", "GET").put("path", "/"))));
    assertEquals(404, e.failureCode());
  }

  @Test
  void malformedInput_failsWith400() {
    ReplyException e = assertThrows(ReplyException.class, () -> ask(new JsonObject().put("package", "moltbot.http")
        .put("input", new JsonObject().put("path", "/"))));
    assertEquals(400, e.failureCode());
    assertTrue(e.getMessage().contains("method"), e.getMessage());
  }
}
