package dev.verdict.vertx;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.testing.MoltbotRules;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Behind a trusted proxy the client address is the entry that proxy appended, never one the client wrote. */
@ExtendWith(VertxExtension.class)
class TrustedProxyTest {

  private int status(Vertx vertx, String forwardedFor) {
    Router router = Router.router(vertx);
    router.route().handler(VerdictHandler.behindTrustedProxy(vertx, MoltbotRules.load(), MoltbotRules.PACKAGE));
    router.route().handler(ctx -> ctx.response().end("ok"));
    int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    String token = hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").build());
    // no user agent (45 points): outside the trusted networks (40 more) this must step up
    return WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setUserAgentEnabled(false))
        .get(port, "127.0.0.1", "/api/bots/b1").bearerTokenAuthentication(token)
        .putHeader("X-Forwarded-For", forwardedFor).send().await().statusCode();
  }

  @Test
  void spoofedLeftmostEntry_doesNotMakeAnOutsideClientTrusted(Vertx vertx) {
    assertEquals(403, status(vertx, "10.0.0.1, 203.0.113.9"));
  }

  @Test
  void rightmostEntry_insideTheNetwork_isTrusted(Vertx vertx) {
    assertEquals(200, status(vertx, "203.0.113.9, 10.0.0.1"));
  }
}
