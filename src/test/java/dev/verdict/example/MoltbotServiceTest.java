package dev.verdict.example;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.verdict.testing.MoltbotRules;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Vert.x service behind the handler, called over real HTTP, on the real Moltbot policy. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoltbotServiceTest {

  private WebClient client;
  private int port;

  @BeforeAll
  void start(Vertx vertx) {
    MoltbotService service = new MoltbotService(MoltbotRules.load());
    vertx.deployVerticle(service).await();
    port = service.port();
    client = WebClient.create(vertx);
  }

  private HttpRequest<Buffer> get(String path) {
    return client.get(port, "127.0.0.1", path).putHeader("user-agent", "Mozilla/5.0");
  }

  private static String token(String... permissions) {
    return hs256(MOLTBOT_SECRET, moltbotClaims("alice", permissions).claim("bots", List.of("b1")).build());
  }

  @Test
  void allowedRequest_reachesTheRoute_withTheDecisionOnTheContext() {
    HttpResponse<Buffer> response = get("/api/bots/b1").bearerTokenAuthentication(token("bots:read")).send().await();
    assertEquals(200, response.statusCode());
    assertEquals(new JsonObject().put("bot", "b1").put("viewer", "alice"), response.bodyAsJsonObject());
  }

  @Test
  void cookieToken_reachesTheRoute() {
    HttpResponse<Buffer> response = get("/api/bots/b1").putHeader("cookie", "access_token=" + token("bots:read"))
        .send().await();
    assertEquals(200, response.statusCode());
  }

  @Test
  void noToken_is401_withJsonBodyAndChallenge() {
    HttpResponse<Buffer> response = get("/api/bots/b1").send().await();
    assertEquals(401, response.statusCode());
    assertEquals("Unauthenticated", response.bodyAsJsonObject().getString("error"));
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
    assertEquals("application/json", response.getHeader("content-type"));
    assertNotNull(response.getHeader("X-Verdict-Decision-Id"));
  }

  @Test
  void badToken_is401_invalidToken() {
    HttpResponse<Buffer> response = get("/api/bots/b1").bearerTokenAuthentication(token("bots:read") + "x").send().await();
    assertEquals(401, response.statusCode());
    assertEquals("Invalid token", response.bodyAsJsonObject().getString("error"));
  }

  @Test
  void adminFromScript_is403_stepUp() {
    HttpResponse<Buffer> response = client.get(port, "127.0.0.1", "/api/admin/users").putHeader("user-agent", "curl/8.5.0")
        .bearerTokenAuthentication(token("admin")).send().await();
    assertEquals(403, response.statusCode());
    assertEquals("Step-up authentication required", response.bodyAsJsonObject().getString("error"));
  }

  @Test
  void missingPermission_is403_insufficientPermissions() {
    HttpResponse<Buffer> response = get("/api/admin/users").bearerTokenAuthentication(token("bots:read")).send().await();
    assertEquals(403, response.statusCode());
    assertEquals("Insufficient permissions", response.bodyAsJsonObject().getString("error"));
    assertEquals("admin", response.bodyAsJsonObject().getString("rule"));
  }

  @Test
  void publicRoute_needsNoToken() {
    assertEquals(200, get("/health").send().await().statusCode());
  }

  @Test
  void requestBody_survivesTheWaitForTheDecision() {
    String body = "x".repeat(200_000); // several TCP reads: arrives while the token is being verified
    HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/api/bots/b1/messages")
        .putHeader("user-agent", "Mozilla/5.0").bearerTokenAuthentication(token("chat:send"))
        .sendBuffer(Buffer.buffer(body)).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(body, response.bodyAsJsonObject().getString("echo"));
  }

  @Test
  void deniedPost_neverReachesTheRoute() {
    HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/api/bots/b2/messages")
        .putHeader("user-agent", "Mozilla/5.0").bearerTokenAuthentication(token("chat:send"))
        .sendBuffer(Buffer.buffer("hello")).await();
    assertEquals(403, response.statusCode());
    assertEquals("Insufficient permissions", response.bodyAsJsonObject().getString("error"));
  }

  @Test
  void encodedTraversal_is400_notRouted() {
    HttpResponse<Buffer> response = get("/api/bots/%2e%2e/admin").bearerTokenAuthentication(token("bots:read")).send().await();
    assertEquals(400, response.statusCode());
    assertEquals("Bad request path", response.bodyAsJsonObject().getString("error"));
  }

  @Test
  void emptySegmentFollowedByDotDot_is400_neverRoutedToAdmin() {
    // vertx-web resolves this to /api/admin/bots/b1 (RFC 3986); collapsing `//` first would give
    // /api/bots/b1 and let a bots reader into the admin handler.
    HttpResponse<Buffer> response = get("/api/admin//../bots/b1").bearerTokenAuthentication(token("bots:read")).send().await();
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals("Bad request path", response.bodyAsJsonObject().getString("error"));
  }

  @Test
  void twoAuthorizationHeaders_are401_notTheFirstOneWins() {
    HttpResponse<Buffer> response = get("/api/admin/users").putHeader("Authorization",
        java.util.List.of("Bearer " + token("admin"), "Bearer garbage")).send().await();
    assertEquals(401, response.statusCode());
  }
}
