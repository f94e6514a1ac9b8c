package dev.verdict.identity;

import dev.verdict.policy.IssuerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One issuer's verification keys at one moment, and the vertx-auth-jwt instance that holds them.
 * Immutable: when a JWKS changes, a new set is built and swapped in whole, so a verification
 * sees either the old keys or the new ones, never a mix.
 */
final class KeySet {

  /** The instance that checks signatures, the issuer, the audience and the allow-listed algorithm. */
  final JWTAuth auth;

  /**
   * Each named key as published. A key unchanged by a refresh keeps its object, so a cached token
   * can prove with one reference comparison that the key that verified it is still published.
   */
  final Map<String, JsonObject> byKid;

  /** Everything published and usable, to tell a changed JWKS from the same one fetched again. */
  final Set<JsonObject> published;

  /** A secret, a PEM key or a JWK without {@code kid}: tried for tokens with any (or no) {@code kid}. */
  final boolean unnamedKeys;

  /** This set as a completed future, so the hot path allocates none. */
  final Future<KeySet> ready;

  private KeySet(JWTAuth auth, Map<String, JsonObject> byKid, Set<JsonObject> published, boolean unnamedKeys) {
    this.auth = auth;
    this.byKid = Map.copyOf(byKid);
    this.published = Set.copyOf(published);
    this.unnamedKeys = unnamedKeys;
    this.ready = Future.succeededFuture(this);
  }

  boolean isEmpty() {
    return byKid.isEmpty() && !unnamedKeys;
  }

  /**
   * Keys for {@code issuer}: its secret and PEM key, plus {@code jwks} (from a file or a fetch)
   * restricted to the issuer's algorithms. A JWK that vertx-auth-jwt cannot load, or whose
   * {@code use} is not {@code sig}, is left out rather than failing the whole set.
   *
   * @param previous the set this one replaces, whose unchanged keys keep their identity; or {@code null}
   * @throws IllegalArgumentException when vertx-auth-jwt refuses the secret or PEM key
   */
  static KeySet build(Vertx vertx, IssuerConfig issuer, long leewaySeconds, List<JsonObject> jwks, KeySet previous) {
    JWTAuthOptions options = new JWTAuthOptions();
    boolean unnamed = false;
    for (String alg : issuer.algorithms()) {
      if (alg.startsWith("HS") && issuer.hmacSecret() != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(issuer.hmacSecret()));
        unnamed = true;
      } else if (!alg.startsWith("HS") && issuer.publicKeyPem() != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(issuer.publicKeyPem()));
        unnamed = true;
      }
    }
    Map<String, JsonObject> byKid = new HashMap<>();
    Set<JsonObject> published = new HashSet<>();
    for (JsonObject key : jwks) {
      Object use = key.getValue("use");
      if (use != null && !"sig".equals(use)) continue;
      boolean usable = false;
      for (JsonObject variant : variants(key, issuer.algorithms())) {
        try {
          new JWK(variant); // the same parse vertx-auth-jwt does; it would log and skip a bad key
        } catch (RuntimeException e) {
          continue;
        }
        options.addJwk(variant);
        usable = true;
      }
      if (!usable) continue;
      published.add(key);
      Object kid = key.getValue("kid");
      if (kid instanceof String k) {
        JsonObject before = previous == null ? null : previous.byKid.get(k);
        byKid.put(k, key.equals(before) ? before : key);
      } else {
        unnamed = true;
      }
    }
    JWTOptions jwt = new JWTOptions().setLeeway((int) Math.min(Integer.MAX_VALUE, leewaySeconds));
    if (issuer.issuer() != null) jwt.setIssuer(issuer.issuer());
    if (!issuer.audience().isEmpty()) jwt.setAudience(issuer.audience());
    // Time claims are checked by TokenVerifier against the injected clock, so that they have one
    // source of truth (vertx-auth-jwt reads the wall clock) and can be tested without sleeping.
    jwt.setIgnoreExpiration(true);
    options.setJWTOptions(jwt);
    try {
      return new KeySet(JWTAuth.create(vertx, options), byKid, published, unnamed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("identity keys at " + issuer.location() + " were refused: " + e.getMessage(), e);
    }
  }

  /**
   * The key once per allowed algorithm it may serve. A key without {@code alg} is offered for each
   * allowed algorithm its type can serve, so an identity provider that omits {@code alg} still
   * works without widening the allow-list; a key with an {@code alg} outside the list is dropped.
   */
  private static List<JsonObject> variants(JsonObject key, List<String> algorithms) {
    Object alg = key.getValue("alg");
    if (alg instanceof String a) return algorithms.contains(a) ? List.of(key.copy()) : List.of();
    return algorithms.stream()
        .filter(allowed -> fits(String.valueOf(key.getValue("kty")), String.valueOf(key.getValue("crv")), allowed))
        .map(allowed -> key.copy().put("alg", allowed))
        .toList();
  }

  private static boolean fits(String kty, String crv, String alg) {
    return switch (kty) {
      case "RSA" -> alg.startsWith("RS") || alg.startsWith("PS");
      case "EC" -> (alg.equals("ES256") && crv.equals("P-256")) || (alg.equals("ES384") && crv.equals("P-384"))
          || (alg.equals("ES512") && crv.equals("P-521"));
      case "OKP" -> alg.equals("EdDSA");
      default -> false;
    };
  }
}
