package dev.verdict.sidecar;

import static dev.verdict.testing.TestTokens.MOLTBOT_SECRET;
import static dev.verdict.testing.TestTokens.hs256;
import static dev.verdict.testing.TestTokens.moltbotClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.verdict.testing.MoltbotRules;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sidecar's Data API over real HTTP, on the real Moltbot policy, with tokens signed by nimbus. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarTest {

  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
  private static final String TRUSTED_IP = "10.20.30.40";
  private static final String OUTSIDE_IP = "203.0.113.7";

  private WebClient client;
  private int port;

  @BeforeAll
  void startSidecar(Vertx vertx) {
    port = SidecarServer.start(vertx, MoltbotRules.load(), new SidecarServer.Options("127.0.0.1", 0, 1)).await().port();
    client = WebClient.create(vertx);
  }

  private static String token(String sub, String... permissions) {
    return hs256(MOLTBOT_SECRET, moltbotClaims(sub, permissions).build());
  }

  private static JsonObject input(String method, String path, String ip, JsonObject headers) {
    return new JsonObject().put("input", new JsonObject().put("method", method).put("path", path).put("ip", ip)
        .put("headers", headers));
  }

  private static JsonObject bearer(String token) {
    return new JsonObject().put("Authorization", "Bearer " + token).put("User-Agent", BROWSER);
  }

  private HttpResponse<Buffer> post(String uri, String body) {
    return client.post(port, "127.0.0.1", uri).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)).await();
  }

  private JsonObject decide(JsonObject input) {
    HttpResponse<Buffer> response = post("/v1/data/moltbot/http", input.encode());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertNotNull(body.getString("decision_id"), "every answer carries a decision id");
    JsonObject result = body.getJsonObject("result");
    assertEquals(body.getString("decision_id"), result.getString("decision_id"));
    return result;
  }

  @Test
  void bearerToken_withPermission_fromTrustedNetwork_isAllowed() {
    JsonObject result = decide(input("GET", "/api/bots/b1", TRUSTED_IP, bearer(token("alice", "bots:read"))));
    assertTrue(result.getBoolean("allow"));
    assertEquals(200, result.getInteger("status"));
    assertEquals("read-bots", result.getString("rule"));
    assertEquals("alice", result.getString("user"));
    assertEquals(new JsonArray().add("bots:read"), result.getJsonArray("required"));
    assertEquals(0, result.getJsonObject("risk").getInteger("score"));
    assertFalse(result.containsKey("error"));
  }

  @Test
  void cookieToken_isAccepted_likeBearer() {
    JsonObject headers = new JsonObject().put("cookie", "theme=dark; access_token=" + token("alice", "bots:read"))
        .put("user-agent", BROWSER);
    JsonObject result = decide(input("GET", "/api/bots", TRUSTED_IP, headers));
    assertTrue(result.getBoolean("allow"), result.encode());
  }

  @Test
  void noToken_isUnauthenticated() {
    JsonObject result = decide(input("GET", "/api/bots/b1", TRUSTED_IP, new JsonObject().put("user-agent", BROWSER)));
    assertFalse(result.getBoolean("allow"));
    assertEquals(401, result.getInteger("status"));
    assertEquals("Unauthenticated", result.getString("error"));
  }

  private void assertInvalidToken(String token) {
    JsonObject result = decide(input("GET", "/api/bots/b1", TRUSTED_IP, bearer(token)));
    assertFalse(result.getBoolean("allow"), result.encode());
    assertEquals(401, result.getInteger("status"));
    assertEquals("Invalid token", result.getString("error"));
  }

  @Test
  void expiredToken_beyondLeeway_isInvalid() {
    Instant past = Instant.now().minus(Duration.ofMinutes(2));
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read")
        .issueTime(Date.from(past.minus(Duration.ofMinutes(5)))).expirationTime(Date.from(past)).build()));
  }

  @Test
  void tokenWithoutExpiry_isInvalid() {
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").expirationTime(null).build()));
  }

  @Test
  void wrongIssuer_isInvalid() {
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").issuer("https://evil.example").build()));
  }

  @Test
  void wrongAudience_isInvalid() {
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").audience("another-api").build()));
  }

  @Test
  void algNone_isInvalid() {
    assertInvalidToken(TestTokens.unsigned(moltbotClaims("alice", "bots:read", "admin").build()));
  }

  @Test
  void algorithmNotOnAllowList_isInvalid_evenWithTheRightSecret() {
    assertInvalidToken(TestTokens.hmac(JWSAlgorithm.HS384, MOLTBOT_SECRET, moltbotClaims("alice", "bots:read").build()));
  }

  @Test
  void tokenSignedWithAnotherSecret_isInvalid() {
    assertInvalidToken(hs256("another-secret-that-is-long-enough-0123456789", moltbotClaims("alice", "admin").build()));
  }

  @Test
  void garbageToken_isInvalid() {
    assertInvalidToken("not.a.jwt");
  }

  @Test
  void untrustedNetwork_withoutUserAgent_requiresStepUp_despiteValidToken() {
    JsonObject headers = new JsonObject().put("authorization", "Bearer " + token("alice", "bots:read"));
    JsonObject result = decide(input("GET", "/api/bots/b1", OUTSIDE_IP, headers));
    assertEquals(403, result.getInteger("status"));
    assertEquals("Step-up authentication required", result.getString("error"));
    JsonObject risk = result.getJsonObject("risk");
    assertEquals(85, risk.getInteger("score"));
    assertEquals(80, risk.getInteger("threshold"));
    assertEquals(40, risk.getJsonObject("signals").getInteger("untrusted_network"));
    assertEquals(45, risk.getJsonObject("signals").getInteger("missing_user_agent"));
  }

  @Test
  void adminFromScript_stepsUpAtTheRoutesStricterThreshold() {
    JsonObject headers = new JsonObject().put("authorization", "Bearer " + token("root", "admin"))
        .put("user-agent", "curl/8.5.0");
    JsonObject result = decide(input("GET", "/api/admin/users", TRUSTED_IP, headers));
    assertEquals("Step-up authentication required", result.getString("error"));
    assertEquals(55, result.getJsonObject("risk").getInteger("score"));
    assertEquals(50, result.getJsonObject("risk").getInteger("threshold"));
  }

  @Test
  void adminFromBrowserInsideNetwork_withAFreshMfaLogin_isAllowed() {
    String mfaLogin = hs256(MOLTBOT_SECRET, moltbotClaims("root", "admin").claim("amr", List.of("pwd", "mfa"))
        .claim("auth_time", Instant.now().getEpochSecond()).build());
    JsonObject result = decide(input("GET", "/api/admin/users", TRUSTED_IP, bearer(mfaLogin)));
    assertTrue(result.getBoolean("allow"), result.encode());
    assertEquals("admin", result.getString("rule"));
  }

  @Test
  void missingPermission_isForbidden() {
    JsonObject result = decide(input("GET", "/api/admin/users", TRUSTED_IP, bearer(token("alice", "bots:read"))));
    assertEquals(403, result.getInteger("status"));
    assertEquals("Insufficient permissions", result.getString("error"));
    assertEquals(new JsonArray().add("admin"), result.getJsonArray("required"));
  }

  @Test
  void sendMessage_onlyToBotsTheTokenLists() {
    JWTClaimsSet claims = moltbotClaims("alice", "chat:send").claim("bots", List.of("b1")).build();
    JsonObject headers = bearer(hs256(MOLTBOT_SECRET, claims));
    assertTrue(decide(input("POST", "/api/bots/b1/messages", TRUSTED_IP, headers)).getBoolean("allow"));
    JsonObject other = decide(input("POST", "/api/bots/b2/messages", TRUSTED_IP, headers));
    assertEquals("Insufficient permissions", other.getString("error"));
    assertEquals("send-message", other.getString("rule"));
  }

  @Test
  void denyRule_overridesEvenAdmin() {
    JsonObject result = decide(input("GET", "/api/admin/debug/heap", TRUSTED_IP, bearer(token("root", "admin"))));
    assertEquals("Insufficient permissions", result.getString("error"));
    assertEquals("no-admin-debug", result.getString("rule"));
  }

  @Test
  void pathWithNoRoute_isForbidden() {
    JsonObject result = decide(input("GET", "/api/unknown", TRUSTED_IP, bearer(token("root", "admin", "bots:read"))));
    assertEquals(403, result.getInteger("status"));
    assertEquals("Insufficient permissions", result.getString("error"));
    assertEquals(null, result.getString("rule"));
  }

  @Test
  void publicHealthRoute_needsNoToken() {
    JsonObject result = decide(input("GET", "/health", OUTSIDE_IP, new JsonObject()));
    assertTrue(result.getBoolean("allow"));
    assertEquals("health", result.getString("rule"));
  }

  @Test
  void ambiguousPath_isABadRequestDecision_neverAnAllow() {
    JsonObject result = decide(input("GET", "/api/bots/..%2F..%2Fadmin", TRUSTED_IP, bearer(token("alice", "bots:read"))));
    assertFalse(result.getBoolean("allow"));
    assertEquals(400, result.getInteger("status"));
    assertEquals("Bad request path", result.getString("error"));
  }

  @Test
  void allowEndpoint_answersABoolean() {
    HttpResponse<Buffer> yes = post("/v1/data/moltbot/http/allow",
        input("GET", "/api/bots/b1", TRUSTED_IP, bearer(token("alice", "bots:read"))).encode());
    assertEquals(200, yes.statusCode());
    assertEquals(Boolean.TRUE, yes.bodyAsJsonObject().getValue("result"));
    HttpResponse<Buffer> no = post("/v1/data/moltbot/http/allow", input("GET", "/api/bots/b1", TRUSTED_IP, new JsonObject()).encode());
    assertEquals(Boolean.FALSE, no.bodyAsJsonObject().getValue("result"));
  }

  @Test
  void unknownPackagePath_isUndefined_answeredAsEmptyObject() {
    HttpResponse<Buffer> response = post("/v1/data/no/such/package", input("GET", "/", "", new JsonObject()).encode());
    assertEquals(200, response.statusCode());
    assertEquals(new JsonObject(), response.bodyAsJsonObject());
  }

  @Test
  void duplicateKeys_anywhereInTheBody_are400_neverResolvedByOrder() {
    String token = token("alice", "bots:read");
    String[] bodies = {
        "{\"input\": {\"method\": \"GET\", \"path\": \"/api/bots/b1\", \"path\": \"/api/admin/users\"}}",
        "{\"input\": {\"method\": \"GET\", \"path\": \"/api/bots/b1\", \"headers\": {\"authorization\": \"Bearer "
            + token + "\", \"authorization\": \"Bearer x\"}}}",
        "{\"input\": {\"method\": \"GET\", \"path\": \"/\"}, \"input\": {\"method\": \"GET\", \"path\": \"/x\"}}"};
    for (String body : bodies) {
      HttpResponse<Buffer> response = post("/v1/data/moltbot/http", body);
      assertEquals(400, response.statusCode(), body);
      assertTrue(response.bodyAsJsonObject().getString("reason").startsWith("duplicate key `"),
          response.bodyAsString());
    }
  }

  @Test
  void dotSegmentsInTheDecisionPath_nameThePackageTheRouterMatched() {
    JsonObject result = post("/v1/data/moltbot/./http", input("GET", "/api/bots/b1", TRUSTED_IP,
        bearer(token("alice", "bots:read"))).encode()).bodyAsJsonObject().getJsonObject("result");
    assertTrue(result.getBoolean("allow"), result::encode);
    assertEquals(Boolean.TRUE, post("/v1/data/other/../moltbot/http/allow", input("GET", "/api/bots/b1", TRUSTED_IP,
        bearer(token("alice", "bots:read"))).encode()).bodyAsJsonObject().getValue("result"));
  }

  @Test
  void malformedJson_is400_withJsonReason() {
    HttpResponse<Buffer> response = post("/v1/data/moltbot/http", "{\"input\": ");
    assertEquals(400, response.statusCode());
    assertEquals("Bad request", response.bodyAsJsonObject().getString("error"));
    assertNotNull(response.bodyAsJsonObject().getString("reason"));
  }

  private static long filesUnder(java.nio.file.Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(dir)) return 0;
    try (var files = java.nio.file.Files.walk(dir)) {
      return files.filter(java.nio.file.Files::isRegularFile).count();
    }
  }

  /**
   * A multipart body is not a decision request, and its file parts must never reach the disk: the
   * default BodyHandler stored each one under `file-uploads/` in the working directory, forever.
   */
  @Test
  void multipartUpload_is400_andNothingIsWrittenToDisk() throws Exception {
    java.nio.file.Path uploads = java.nio.file.Path.of("file-uploads");
    long before = filesUnder(uploads);
    String boundary = "verdict-boundary";
    String body = "--" + boundary + "\r\ncontent-disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
        + "content-type: application/octet-stream\r\n\r\n" + "A".repeat(4096) + "\r\n--" + boundary + "--\r\n";
    HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/v1/data/moltbot/http")
        .putHeader("content-type", "multipart/form-data; boundary=" + boundary).sendBuffer(Buffer.buffer(body)).await();
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals("Bad request", response.bodyAsJsonObject().getString("error"));
    assertEquals(before, filesUnder(uploads), "an uploaded file was stored on disk");
  }

  /** A url-encoded body (curl -d without a content type) with a field over 8 KiB: still a JSON 400. */
  @Test
  void oversizedFormField_is400_withJsonReason() {
    String body = input("GET", "/api/bots/b1", OUTSIDE_IP, new JsonObject().put("x-pad", "a".repeat(20_000))).encode();
    HttpResponse<Buffer> response = client.post(port, "127.0.0.1", "/v1/data/moltbot/http")
        .putHeader("content-type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer(body)).await();
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals("Bad request", response.bodyAsJsonObject().getString("error"), response.bodyAsString());
  }

  @Test
  void inputOfTheWrongShape_is400_namingTheField() {
    HttpResponse<Buffer> missing = post("/v1/data/moltbot/http", "{}");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.bodyAsJsonObject().getString("reason").contains("input"));
    HttpResponse<Buffer> badMethod = post("/v1/data/moltbot/http",
        "{\"input\": {\"method\": 7, \"path\": \"/api/bots\"}}");
    assertEquals(400, badMethod.statusCode());
    assertTrue(badMethod.bodyAsJsonObject().getString("reason").contains("method"));
  }

  @Test
  void health_reportsTheActiveRevision() {
    HttpResponse<Buffer> response = client.get(port, "127.0.0.1", "/health").send().await();
    assertEquals(200, response.statusCode());
    assertEquals("ok", response.bodyAsJsonObject().getString("status"));
    assertEquals(16, response.bodyAsJsonObject().getString("revision").length());
  }

  @Test
  void metrics_countDecisionsByOutcome_inPrometheusFormat() {
    decide(input("GET", "/health", TRUSTED_IP, new JsonObject()));
    HttpResponse<Buffer> response = client.get(port, "127.0.0.1", "/metrics").send().await();
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("content-type").startsWith("text/plain"));
    String text = response.bodyAsString();
    assertTrue(text.contains("# TYPE verdict_decisions_total counter"), text);
    long allows = text.lines().filter(l -> l.startsWith("verdict_decisions_total{outcome=\"allow\"}"))
        .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertTrue(allows >= 1, text);
  }

  @Test
  void dataRootWithABody_isUndefined_notAServerError() {
    HttpResponse<Buffer> response = post("/v1/data", "{}");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject(), response.bodyAsJsonObject());
    assertEquals(200, post("/v1/data?x", "{}").statusCode());
  }

  @Test
  void allowEndpoint_toleratesATrailingSlash() {
    HttpResponse<Buffer> response = post("/v1/data/moltbot/http/allow/",
        input("GET", "/health", TRUSTED_IP, new JsonObject()).encode());
    assertEquals(Boolean.TRUE, response.bodyAsJsonObject().getValue("result"));
  }

  @Test
  void wrongMethod_is405_withAllowHeader() {
    HttpResponse<Buffer> get = client.get(port, "127.0.0.1", "/v1/data/moltbot/http").send().await();
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.getHeader("Allow"));
    HttpResponse<Buffer> postHealth = client.post(port, "127.0.0.1", "/health").send().await();
    assertEquals(405, postHealth.statusCode());
    assertEquals(200, client.head(port, "127.0.0.1", "/health").send().await().statusCode());
  }

  @Test
  void lowerCaseMethod_is400_notGuessed() {
    HttpResponse<Buffer> response = post("/v1/data/moltbot/http", "{\"input\": {\"method\": \"get\", \"path\": \"/health\"}}");
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsJsonObject().getString("reason").contains("upper-case"));
  }

  @Test
  void ipWithLeadingZeros_isNotInTheTrustedNetworks() {
    JsonObject result = decide(input("GET", "/api/bots/b1", "010.001.002.003", bearer(token("alice", "bots:read"))));
    assertEquals(40, result.getJsonObject("risk").getJsonObject("signals").getInteger("untrusted_network"));
  }

  @Test
  void botsClaimThatIsAString_deniesSendMessage_ratherThanMatchingASubstring() {
    // `'b10' contains 'b1'` is true in MVEL; the policy uses inList(), which needs a list claim
    JWTClaimsSet claims = moltbotClaims("mallory", "chat:send").claim("bots", "b10").build();
    JsonObject result = decide(input("POST", "/api/bots/b1/messages", TRUSTED_IP, bearer(hs256(MOLTBOT_SECRET, claims))));
    assertFalse(result.getBoolean("allow"), result.encode());
    assertEquals("send-message", result.getString("rule"));
    assertTrue(result.getJsonArray("errors").getString(0).contains("inList() needs a list"), result.encode());
  }

  @Test
  void tokenWithoutSubject_isInvalid() {
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims(null, "admin").build()));
    assertInvalidToken(hs256(MOLTBOT_SECRET, moltbotClaims("  ", "admin").build()));
  }

  @Test
  void cookieAndBearerForDifferentUsers_areConflictingCredentials() {
    JsonObject headers = bearer(token("alice", "bots:read")).put("cookie", "access_token=" + token("root", "admin"));
    JsonObject result = decide(input("GET", "/api/admin/users", TRUSTED_IP, headers));
    assertEquals("Invalid token", result.getString("error"));
    assertTrue(result.getString("reason").contains("conflicting credentials"), result.encode());
  }

  @Test
  void sameTokenInCookieAndBearer_isFine() {
    String t = token("alice", "bots:read");
    JsonObject headers = bearer(t).put("cookie", "access_token=" + t);
    assertTrue(decide(input("GET", "/api/bots/b1", TRUSTED_IP, headers)).getBoolean("allow"));
  }

  @Test
  void repeatedAuthorizationHeaders_areNeverReadAsTheFirstOnly() {
    JsonObject asArray = new JsonObject().put("authorization", new JsonArray().add("Bearer " + token("root", "admin"))
        .add("Bearer garbage")).put("user-agent", BROWSER);
    assertEquals("Invalid token", decide(input("GET", "/api/admin/users", TRUSTED_IP, asArray)).getString("error"));
    JsonObject byCase = new JsonObject().put("authorization", "Bearer " + token("root", "admin"))
        .put("AUTHORIZATION", "Bearer garbage").put("user-agent", BROWSER);
    assertEquals("Invalid token", decide(input("GET", "/api/admin/users", TRUSTED_IP, byCase)).getString("error"));
  }

  @Test
  void sameCookieTwiceWithDifferentValues_isAConflict() {
    JsonObject headers = new JsonObject().put("cookie", "access_token=" + token("alice", "bots:read")
        + "; access_token=" + token("root", "admin")).put("user-agent", BROWSER);
    assertEquals("Invalid token", decide(input("GET", "/api/admin/users", TRUSTED_IP, headers)).getString("error"));
  }
}
