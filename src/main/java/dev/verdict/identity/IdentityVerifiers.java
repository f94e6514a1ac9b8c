package dev.verdict.identity;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.engine.PolicyListener;
import dev.verdict.engine.Verdict;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.IdentityConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One {@link TokenVerifier} per distinct identity configuration, shared across verticles and
 * reused across reloads that leave a package's identity settings unchanged (so a remote JWKS is
 * not fetched again, and the verified-token cache survives, when other rules change).
 */
public final class IdentityVerifiers {

  private final Vertx vertx;
  private final TokenVerifier.Options options;
  private final Map<IdentityConfig, TokenVerifier> verifiers = new ConcurrentHashMap<>();
  private final Supplier<WebClient> jwksClient;
  /** The last config looked up, by identity: spares the map's deep record hash on the request path. */
  private volatile Resolved last;

  private record Resolved(IdentityConfig config, TokenVerifier verifier) {}

  private IdentityVerifiers(Vertx vertx, TokenVerifier.Options options) {
    this.vertx = vertx;
    this.options = options;
    this.jwksClient = IssuerKeys.lazyClient(vertx); // one connection pool for every remote JWKS
  }

  /** Verifiers with the system clock, a 10,000-token cache each, and a fresh in-memory revocation list. */
  public static IdentityVerifiers create(Vertx vertx) {
    return new IdentityVerifiers(vertx, TokenVerifier.Options.defaults().withRevocations(RevocationList.inMemory()));
  }

  /**
   * As {@link #create(Vertx)}, judging {@code exp}, {@code nbf} and {@code iat} by {@code nowSeconds}:
   * adapters pass the clock their decisions are made by, so that both agree on the time.
   */
  public static IdentityVerifiers create(Vertx vertx, java.util.function.LongSupplier nowSeconds) {
    return new IdentityVerifiers(vertx, TokenVerifier.Options.defaults().withRevocations(RevocationList.inMemory())
        .withClock(nowSeconds));
  }

  public static IdentityVerifiers create(Vertx vertx, TokenVerifier.Options options) {
    return new IdentityVerifiers(vertx, options);
  }

  /** The revocation list every verifier consults. */
  public RevocationList revocations() {
    return options.revocations();
  }

  /**
   * Makes the verifiers of every package of {@code policy} now, so that a remote JWKS is fetched
   * as the policy is loaded rather than when its first token arrives. A package whose keys
   * vertx-auth-jwt refuses is left as it was: its requests answer {@code Invalid token}.
   */
  public void prepare(CompiledPolicy policy) {
    for (CompiledPackage pkg : policy.packages()) {
      try {
        forPackage(pkg);
      } catch (IllegalArgumentException refusedKeys) {
        // Reported on each request for this package, as without preparing.
      }
    }
  }

  /**
   * Prepares these verifiers for {@code verdict}'s active policy now and for every policy it
   * activates later (see {@link #prepare}): the first token after a rollout does not wait for a
   * remote JWKS. Returns this.
   */
  public IdentityVerifiers preparedFor(Verdict verdict) {
    prepare(verdict.policy());
    verdict.addListener(new PolicyListener() {
      @Override
      public void activated(CompiledPolicy policy, CompiledPolicy previous) {
        prepare(policy);
      }
    });
    return this;
  }

  /** The verifier for {@code pkg}, or {@code null} when the package has no identity section. */
  public TokenVerifier forPackage(CompiledPackage pkg) {
    return pkg.identity() == null ? null : forConfig(pkg.identity());
  }

  /** The verifier for these settings; equal settings (same keys) share one verifier and its cache. */
  public TokenVerifier forConfig(IdentityConfig config) {
    Resolved hit = last;
    if (hit != null && hit.config() == config) return hit.verifier();
    if (verifiers.size() > 64) verifiers.clear(); // reloads with changing keys must not grow this forever
    TokenVerifier verifier = verifiers.computeIfAbsent(config, c -> TokenVerifier.create(vertx, c, options, jwksClient));
    last = new Resolved(config, verifier);
    return verifier;
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
