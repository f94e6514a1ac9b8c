package dev.verdict.sidecar;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaimsAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The admin route's step-up requirements (recent MFA login) over the sidecar's Data API, with
 * tokens signed by nimbus and a clock the test moves: the decision JSON names what is unmet.
 */
@ExtendWith(VertxExtension.class)
class StepUpSidecarTest {

  private static final Instant LOGIN = Instant.ofEpochSecond(1_767_268_800L);

  private MutableClock clock;
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx) {
    clock = new MutableClock(LOGIN);
    port = SidecarServer.start(vertx, MoltbotRules.load(clock), new SidecarServer.Options("127.0.0.1", 0, 1))
        .await().port();
    client = WebClient.create(vertx);
  }

  private static String adminToken(List<String> amr, Instant authTime) {
    var claims = moltbotClaimsAt(LOGIN, "root", "admin");
    if (amr != null) claims.claim("amr", amr);
    if (authTime != null) claims.claim("auth_time", authTime.getEpochSecond());
    return hs256(MOLTBOT_SECRET, claims.build());
  }

  private JsonObject decide(String token) {
    JsonObject input = new JsonObject().put("input", new JsonObject().put("method", "GET").put("path", "/api/admin/users")
        .put("ip", "10.1.2.3").put("headers", new JsonObject().put("authorization", "Bearer " + token)
            .put("user-agent", "Mozilla/5.0")));
    HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/v1/data/moltbot/http")
        .sendJsonObject(input).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonObject("result");
  }

  @Test
  void recentMfaLogin_isAllowed_andNamesNoStepUp() {
    JsonObject result = decide(adminToken(List.of("pwd", "mfa"), LOGIN));
    assertTrue(result.getBoolean("allow"), result::encode);
    assertFalse(result.containsKey("step_up"), result::encode);
  }

  @Test
  void sixteenMinutesLater_theSameToken_mustStepUp_forRecentLoginOnly() {
    String token = adminToken(List.of("pwd", "mfa"), LOGIN);
    clock.advance(Duration.ofMinutes(4)); // still inside the token's five minutes
    assertTrue(decide(token).getBoolean("allow"));
    String later = hs256(MOLTBOT_SECRET, moltbotClaimsAt(LOGIN.plus(Duration.ofMinutes(16)), "root", "admin")
        .claim("amr", List.of("pwd", "mfa")).claim("auth_time", LOGIN.getEpochSecond()).build());
    clock.advance(Duration.ofMinutes(12));
    JsonObject result = decide(later);
    assertFalse(result.getBoolean("allow"));
    assertEquals(403, result.getInteger("status"));
    assertEquals("Step-up authentication required", result.getString("error"));
    assertEquals(new JsonArray().add("recent_login"), result.getJsonArray("step_up"));
    assertEquals("admin", result.getString("rule"));
  }

  @Test
  void passwordOnlyLogin_mustStepUp_forMfa() {
    JsonObject result = decide(adminToken(List.of("pwd"), LOGIN));
    assertEquals(new JsonArray().add("mfa"), result.getJsonArray("step_up"), result::encode);
  }

  @Test
  void tokenWithoutLoginClaims_mustStepUp_forBoth() {
    JsonObject result = decide(adminToken(null, null));
    assertEquals("Step-up authentication required", result.getString("error"), result::encode);
    assertEquals(new JsonArray().add("mfa").add("recent_login"), result.getJsonArray("step_up"));
    assertFalse(result.containsKey("errors"), result::encode);
  }

  @Test
  void amrAsAString_isDenied_asAnExpressionError() {
    String token = hs256(MOLTBOT_SECRET, moltbotClaimsAt(LOGIN, "root", "admin").claim("amr", "mfa")
        .claim("auth_time", LOGIN.getEpochSecond()).build());
    JsonObject result = decide(token);
    assertFalse(result.getBoolean("allow"));
    assertEquals("Insufficient permissions", result.getString("error"), result::encode);
    assertTrue(result.getJsonArray("errors").getString(0).startsWith("step-up requirement `mfa` failed"),
        result::encode);
  }

  @Test
  void theTokenIsVerified_atThePdpsClock_too() {
    String token = adminToken(List.of("pwd", "mfa"), LOGIN);
    clock.advance(Duration.ofMinutes(6)); // past `exp` (five minutes) and the policy's 30 s leeway
    assertEquals("Invalid token", decide(token).getString("error"));
  }
}
