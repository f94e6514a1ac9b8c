package dev.verdict.vertx;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaimsAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.verdict.example.MoltbotService;
import dev.verdict.testing.MoltbotRules;
import dev.verdict.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real service behind the handler, over real HTTP: a step-up answer tells the client which login
 * to come back with, and an admin who has it reaches the route.
 */
@ExtendWith(VertxExtension.class)
class StepUpHandlerTest {

  private static final Instant LOGIN = Instant.ofEpochSecond(1_767_268_800L);

  private MutableClock clock;
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    clock = new MutableClock(LOGIN);
    MoltbotService service = new MoltbotService(MoltbotRules.load(clock));
    vertx.deployVerticle(service).await();
    port = service.port();
    client = WebClient.create(vertx);
  }

  private HttpResponse<Buffer> getAdmin(String token) {
    return client.get(port, "127.0.0.1", "/api/admin/users").putHeader("user-agent", "Mozilla/5.0")
        .bearerTokenAuthentication(token).send().await();
  }

  private static String mfaAdminToken(Instant tokenIssued) {
    return hs256(MOLTBOT_SECRET, moltbotClaimsAt(tokenIssued, "root", "admin").claim("amr", List.of("pwd", "mfa"))
        .claim("auth_time", LOGIN.getEpochSecond()).build());
  }

  @Test
  void recentMfaLogin_reachesTheRoute() {
    HttpResponse<Buffer> response = getAdmin(mfaAdminToken(LOGIN));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject().put("admin", true), response.bodyAsJsonObject());
  }

  @Test
  void staleLogin_is403_andTheBodyNamesTheUnmetRequirement() {
    // A token refreshed 20 minutes after the login still carries that login's `auth_time`.
    clock.advance(Duration.ofMinutes(20));
    HttpResponse<Buffer> response = getAdmin(mfaAdminToken(LOGIN.plus(Duration.ofMinutes(20))));
    assertEquals(403, response.statusCode());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("Step-up authentication required", body.getString("error"));
    assertEquals(new JsonArray().add("recent_login"), body.getJsonArray("step_up"));
    assertEquals("admin", body.getString("rule"));
    assertEquals(response.getHeader("X-Verdict-Decision-Id"), body.getString("decision_id"));
  }

  @Test
  void otherDenials_carryNoStepUpField() {
    String reader = hs256(MOLTBOT_SECRET, moltbotClaimsAt(LOGIN, "alice", "bots:read").build());
    HttpResponse<Buffer> response = getAdmin(reader);
    assertEquals(403, response.statusCode());
    assertEquals("Insufficient permissions", response.bodyAsJsonObject().getString("error"));
    assertFalse(response.bodyAsJsonObject().containsKey("step_up"));
  }
}
