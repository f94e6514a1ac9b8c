package dev.verdict.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.verdict.engine.Verdict;
import dev.verdict.testing.JwksServer;
import dev.verdict.testing.RuleFiles;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar and the embedded handler fetch a remote JWKS when a policy naming it is activated, at
 * start and on every reload, so the first token after a rollout does not wait for the identity
 * provider.
 */
@ExtendWith(VertxExtension.class)
class JwksPrefetchTest {

  private static final String POLICY = """
      package: partner.http
      identity:
        algorithms: [ES256]
        jwks: JWKS_URL
      routes:
        - {id: orders, path: /orders, permission: orders:read}
      """;

  @Test
  void remoteJwks_isFetchedAtStartAndOnReload_beforeAnyRequest(Vertx vertx, @TempDir Path dir) throws Exception {
    JwksServer first = JwksServer.start(vertx);
    JwksServer second = JwksServer.start(vertx);
    RuleFiles.write(dir, "partner.yaml", POLICY.replace("JWKS_URL", first.url()));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    SidecarServer.start(vertx, verdict, new SidecarServer.Options("127.0.0.1", 0, 1)).await();

    first.requested().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1, first.requests(), "fetched once, with no decision asked for");

    RuleFiles.write(dir, "partner.yaml", POLICY.replace("JWKS_URL", second.url()));
    verdict.reload();
    second.requested().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1, second.requests());
  }

  @Test
  void embeddedHandler_fetchesTheRemoteJwksWhenCreated_andOnReload(Vertx vertx, @TempDir Path dir) throws Exception {
    JwksServer first = JwksServer.start(vertx);
    JwksServer second = JwksServer.start(vertx);
    RuleFiles.write(dir, "partner.yaml", POLICY.replace("JWKS_URL", first.url()));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    dev.verdict.vertx.VerdictHandler.create(vertx, verdict, "partner.http");

    first.requested().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    RuleFiles.write(dir, "partner.yaml", POLICY.replace("JWKS_URL", second.url()));
    verdict.reload();
    second.requested().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1, second.requests());
  }
}
