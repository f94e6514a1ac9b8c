package dev.verdict.sidecar;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.PolicyLoadException;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.RuleFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Readiness, {@code /v1/status}, reload metrics and shadow mode through the sidecar's HTTP API. */
@ExtendWith(VertxExtension.class)
class SidecarStatusTest {

  private static final String OPEN = """
      package: shop.http
      routes:
        - {id: catalogue, path: /catalogue/**, public: true}
      """;
  private static final String CLOSED = """
      package: shop.http
      routes:
        - {id: catalogue-closed, path: /catalogue/**, effect: deny}
      """;

  @TempDir
  Path dir;

  private static int start(Vertx vertx, Verdict verdict) {
    return SidecarServer.start(vertx, verdict, new SidecarServer.Options("127.0.0.1", 0, 1)).await().port();
  }

  private static HttpResponse<Buffer> get(WebClient client, int port, String uri) {
    return client.get(port, "127.0.0.1", uri).send().await();
  }

  private static HttpResponse<Buffer> decide(WebClient client, int port, String path) {
    JsonObject input = new JsonObject().put("input", new JsonObject().put("method", "GET").put("path", path));
    return client.post(port, "127.0.0.1", "/v1/data/shop/http").sendJsonObject(input).await();
  }

  @Test
  void beforeAnyPolicy_healthIs503_decisionsAre503_andStatusSaysWhy(Vertx vertx) throws Exception {
    write(dir, "shop.yaml", "package: [oops\n");
    Verdict verdict = Verdict.unloaded(dir, RuleFiles.STRONG_SECRETS);
    assertThrows(PolicyLoadException.class, verdict::reload);
    int port = start(vertx, verdict);
    WebClient client = WebClient.create(vertx);

    assertEquals(503, get(client, port, "/health").statusCode());
    assertEquals(503, client.head(port, "127.0.0.1", "/health").send().await().statusCode());
    HttpResponse<Buffer> refused = decide(client, port, "/catalogue/1");
    assertEquals(503, refused.statusCode());
    assertEquals("Policy unavailable", refused.bodyAsJsonObject().getString("error"));

    JsonObject status = get(client, port, "/v1/status").bodyAsJsonObject();
    assertFalse(status.getBoolean("ready"));
    assertNull(status.getString("revision"));
    assertEquals("failed", status.getJsonObject("reloads").getJsonObject("last").getString("result"));
    String problem = status.getJsonObject("last_error").getJsonArray("problems").getString(0);
    assertTrue(problem.contains("shop.yaml:") && problem.contains("error[invalid_yaml]"), problem);

    write(dir, "shop.yaml", OPEN);
    verdict.reload();
    assertEquals(200, get(client, port, "/health").statusCode());
    assertTrue(decide(client, port, "/catalogue/1").bodyAsJsonObject().getJsonObject("result").getBoolean("allow"));
  }

  @Test
  void status_namesActiveRevisionFilesAndTheLastError_metricsCountReloads(Vertx vertx) throws Exception {
    write(dir, "shop.yaml", OPEN);
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    int port = start(vertx, verdict);
    WebClient client = WebClient.create(vertx);
    String first = verdict.policy().revision();

    write(dir, "shop.yaml", OPEN.replace("public: true", "publik: true"));
    assertThrows(PolicyLoadException.class, verdict::reload);
    JsonObject status = get(client, port, "/v1/status").bodyAsJsonObject();
    assertTrue(status.getBoolean("ready"));
    assertEquals(first, status.getString("revision"), "the last good policy is still active");
    assertTrue(status.getJsonArray("files").getString(0).endsWith("shop.yaml"));
    assertEquals("shop.http", status.getJsonArray("packages").getString(0));
    assertEquals(1, status.getJsonObject("reloads").getInteger("failures"));
    assertTrue(status.getJsonObject("last_error").getJsonArray("problems").encode().contains("error[unknown_key]"),
        status::encodePrettily);
    String metrics = get(client, port, "/metrics").bodyAsString();
    assertTrue(metrics.contains("verdict_policy_reloads_total{result=\"failed\"} 1\n"), metrics);
    assertTrue(metrics.contains("verdict_policy_last_reload_success 0\n"), metrics);
    assertTrue(metrics.contains("verdict_policy_info{revision=\"" + first + "\"} 1\n"), metrics);

    write(dir, "shop.yaml", CLOSED);
    verdict.reload();
    status = get(client, port, "/v1/status").bodyAsJsonObject();
    assertEquals(verdict.policy().revision(), status.getString("revision"));
    assertEquals("activated", status.getJsonObject("reloads").getJsonObject("last").getString("result"));
    assertEquals(2, status.getJsonObject("reloads").getInteger("activations"));
    metrics = get(client, port, "/metrics").bodyAsString();
    assertTrue(metrics.contains("verdict_policy_reloads_total{result=\"activated\"} 2\n"), metrics);
    assertTrue(metrics.contains("verdict_policy_last_reload_success 1\n"), metrics);
    JsonObject decision = decide(client, port, "/catalogue/1").bodyAsJsonObject().getJsonObject("result");
    assertEquals(verdict.policy().revision(), decision.getString("policy_revision"));
    assertEquals(405, client.post(port, "127.0.0.1", "/v1/status").send().await().statusCode());
  }

  @Test
  void shadowMode_neverEnforces_andReportsEachDisagreement(Vertx vertx) throws Exception {
    Verdict verdict = Verdict.fromSources(java.util.Map.of("shop.yaml", OPEN), RuleFiles.STRONG_SECRETS);
    verdict.shadow(Verdict.fromSources(java.util.Map.of("shop.yaml", CLOSED), RuleFiles.STRONG_SECRETS));
    int port = start(vertx, verdict);
    WebClient client = WebClient.create(vertx);

    for (int i = 0; i < 3; i++) {
      assertTrue(decide(client, port, "/catalogue/" + i).bodyAsJsonObject().getJsonObject("result").getBoolean("allow"),
          "the candidate denies, but is never enforced");
    }
    decide(client, port, "/elsewhere"); // denied by both: no disagreement

    JsonObject shadow = get(client, port, "/v1/status").bodyAsJsonObject().getJsonObject("shadow");
    assertEquals(4, shadow.getLong("compared"));
    assertEquals(3, shadow.getLong("disagreements"));
    JsonObject first = shadow.getJsonArray("recent").getJsonObject(0);
    assertEquals("/catalogue/0", first.getString("path"));
    assertEquals(true, first.getJsonObject("active").getBoolean("allow"));
    assertEquals("catalogue-closed", first.getJsonObject("candidate").getString("rule"));
    String metrics = get(client, port, "/metrics").bodyAsString();
    assertTrue(metrics.contains("verdict_shadow_disagreements_total 3\n"), metrics);
    assertTrue(metrics.contains("verdict_shadow_decisions_total 4\n"), metrics);
    assertTrue(metrics.contains("verdict_shadow_policy_reloads_total{result=\"failed\"} 0\n"), metrics);
    assertThrows(PolicyLoadException.class, () -> verdict.shadow().candidate().load(java.util.Map.of("shop.yaml", "x: [")));
    metrics = get(client, port, "/metrics").bodyAsString();
    assertTrue(metrics.contains("verdict_shadow_policy_reloads_total{result=\"failed\"} 1\n"), metrics);
    assertTrue(metrics.contains("verdict_shadow_policy_last_reload_success 0\n"), metrics);
  }

  /**
   * The query string is never matched, so any length of it is decided (and allowed); a caller's
   * 900 KB query was copied whole into the disagreement's log line and kept 20 times over in
   * {@code /v1/status}.
   */
  @Test
  void shadowMode_longRequestFields_areCutInTheStatus(Vertx vertx) throws Exception {
    Verdict verdict = Verdict.fromSources(java.util.Map.of("shop.yaml", OPEN), RuleFiles.STRONG_SECRETS);
    verdict.shadow(Verdict.fromSources(java.util.Map.of("shop.yaml", CLOSED), RuleFiles.STRONG_SECRETS));
    int port = start(vertx, verdict);
    WebClient client = WebClient.create(vertx);
    for (int i = 0; i < 20; i++) {
      assertTrue(decide(client, port, "/catalogue/1?q=" + "x".repeat(900_000)).bodyAsJsonObject()
          .getJsonObject("result").getBoolean("allow"));
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (verdict.shadow().disagreements() < 20 && System.currentTimeMillis() < deadline) Thread.sleep(10);
    HttpResponse<Buffer> status = get(client, port, "/v1/status");
    assertTrue(status.bodyAsString().length() < 100_000, "status of " + status.bodyAsString().length() + " chars");
    String path = status.bodyAsJsonObject().getJsonObject("shadow").getJsonArray("recent").getJsonObject(0).getString("path");
    assertTrue(path.startsWith("/catalogue/1?q=xxx") && path.endsWith(" more chars)"), path);
  }
}
