package dev.verdict.sidecar;

import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the sidecar: one {@link SidecarVerticle} per event loop, all sharing one PDP, one set of
 * token verifiers and one set of metrics; Vert.x spreads connections across them.
 */
public final class SidecarServer {

  /** Where to listen and with how many event loops. */
  public record Options(String host, int port, int instances) {
    public Options {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
      if (instances < 1) throw new IllegalArgumentException("instances must be at least 1, was " + instances);
    }

    public static Options defaults() {
      return new Options("127.0.0.1", 8181, Runtime.getRuntime().availableProcessors());
    }
  }

  /** A running sidecar. */
  public record Running(String deploymentId, int port) {}

  private SidecarServer() {}

  /**
   * Deploys the sidecar. With port 0 a single instance is deployed, so that the random port is
   * known and one.
   */
  public static Future<Running> start(Vertx vertx, Verdict verdict, Options options) {
    IdentityVerifiers identities = IdentityVerifiers.create(vertx, verdict::nowEpochSeconds);
    // Remote JWKS are fetched as each policy (active or shadow) is activated, not by its first token.
    identities.preparedFor(verdict);
    Shadow shadow = verdict.shadow();
    if (shadow != null) identities.preparedFor(shadow.candidate());
    Metrics metrics = new Metrics();
    int instances = options.port() == 0 ? 1 : options.instances();
    AtomicReference<SidecarVerticle> first = new AtomicReference<>();
    return vertx.deployVerticle(() -> {
      SidecarVerticle v = new SidecarVerticle(verdict, identities, metrics, options.host(), options.port());
      first.compareAndSet(null, v);
      return v;
    }, new DeploymentOptions().setInstances(instances))
        .map(id -> new Running(id, first.get().actualPort()));
  }
}
