package dev.verdict.identity;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.IdentityConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TokenVerifier} per distinct identity configuration, shared across verticles and
 * reused across reloads that leave a package's identity settings unchanged.
 */
public final class IdentityVerifiers {

  private final Vertx vertx;
  private final Map<IdentityConfig, TokenVerifier> verifiers = new ConcurrentHashMap<>();

  private IdentityVerifiers(Vertx vertx) {
    this.vertx = vertx;
  }

  public static IdentityVerifiers create(Vertx vertx) {
    return new IdentityVerifiers(vertx);
  }

  /** The verifier for {@code pkg}, or {@code null} when the package has no identity section. */
  public TokenVerifier forPackage(CompiledPackage pkg) {
    IdentityConfig config = pkg.identity();
    if (config == null) return null;
    if (verifiers.size() > 64) verifiers.clear(); // reloads with changing keys must not grow this forever
    return verifiers.computeIfAbsent(config, c -> TokenVerifier.create(vertx, c));
  }

  /** Verifies the request's token for {@code pkg}; a package without identity sees everyone as anonymous. */
  public Future<Identity> verify(CompiledPackage pkg, Request request) {
    TokenVerifier verifier;
    try {
      verifier = forPackage(pkg);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Identity.invalid(e.getMessage()));
    }
    return verifier == null ? Future.succeededFuture(Identity.anonymous()) : verifier.verify(request);
  }
}
