package dev.verdict.identity;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.policy.IdentityConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies tokens for one package's identity settings. Thread-safe; build one per
 * {@link IdentityConfig} and reuse it.
 *
 * <p>The algorithm allow-list is enforced by construction: vertx-auth-jwt only holds keys for the
 * listed algorithms, so a token naming any other algorithm (or {@code none}) finds no key and fails.
 */
public final class TokenVerifier {

  /** Tokens larger than this are refused before any parsing. */
  public static final int MAX_TOKEN_BYTES = 8 * 1024;

  private final IdentityConfig config;
  private final JWTAuth auth;

  private TokenVerifier(IdentityConfig config, JWTAuth auth) {
    this.config = config;
    this.auth = auth;
  }

  /**
   * @throws IllegalArgumentException when vertx-auth-jwt refuses the key material
   */
  public static TokenVerifier create(Vertx vertx, IdentityConfig config) {
    JWTAuthOptions options = new JWTAuthOptions();
    for (String alg : config.algorithms()) {
      if (alg.startsWith("HS") && config.hmacSecret() != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.hmacSecret()));
      } else if (!alg.startsWith("HS") && config.publicKeyPem() != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.publicKeyPem()));
      }
    }
    options.setJwks(jwks(config));
    JWTOptions jwt = new JWTOptions().setLeeway((int) Math.min(Integer.MAX_VALUE, config.leewaySeconds()));
    if (config.issuer() != null) jwt.setIssuer(config.issuer());
    if (!config.audience().isEmpty()) jwt.setAudience(config.audience());
    options.setJWTOptions(jwt);
    try {
      return new TokenVerifier(config, JWTAuth.create(vertx, options));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("identity keys at " + config.location() + " were refused: " + e.getMessage(), e);
    }
  }

  /**
   * Keys from the JWKS, only for allowed algorithms. A key without {@code alg} is offered once
   * for each allowed algorithm its type can serve, so an identity provider that omits {@code alg}
   * still works without widening the allow-list.
   */
  private static List<JsonObject> jwks(IdentityConfig config) {
    List<JsonObject> keys = new ArrayList<>();
    for (Map<String, Object> key : config.jwks()) {
      Object alg = key.get("alg");
      if (alg instanceof String a) {
        if (config.algorithms().contains(a)) keys.add(new JsonObject(new LinkedHashMap<>(key)));
        continue;
      }
      for (String allowed : config.algorithms()) {
        if (fits(String.valueOf(key.get("kty")), String.valueOf(key.get("crv")), allowed)) {
          keys.add(new JsonObject(new LinkedHashMap<>(key)).put("alg", allowed));
        }
      }
    }
    return keys;
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

  /** Finds and verifies the request's token. Never fails: problems become an invalid identity. */
  public Future<Identity> verify(Request request) {
    String token = TokenExtractor.find(request, config.tokens());
    return token == null ? Future.succeededFuture(Identity.anonymous()) : verifyToken(token);
  }

  /** Verifies one token. Never fails: problems become an invalid identity. */
  public Future<Identity> verifyToken(String token) {
    if (token.length() > MAX_TOKEN_BYTES) {
      return Future.succeededFuture(Identity.invalid("token is larger than " + MAX_TOKEN_BYTES + " bytes"));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.succeededFuture(Identity.invalid(describe(e)));
    }
    return authenticated.transform(ar -> {
      if (ar.failed()) return Future.succeededFuture(Identity.invalid(describe(ar.cause())));
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
      return Future.succeededFuture(fromClaims(claims));
    });
  }

  private Identity fromClaims(JsonObject claims) {
    if (claims == null) return Identity.invalid("token has no claims");
    // vertx-auth-jwt accepts tokens without `exp`; a token that never expires is not accepted here.
    if (!(claims.getValue("exp") instanceof Number)) return Identity.invalid("token has no numeric `exp`");
    Object sub = claims.getValue("sub");
    if (sub != null && !(sub instanceof String)) return Identity.invalid("`sub` is not a string");
    return Identity.verified((String) sub, permissions(claims), plain(claims));
  }

  private Set<String> permissions(JsonObject claims) {
    Object value = claims;
    for (String part : config.permissionsClaim().split("\\.")) {
      value = value instanceof JsonObject o ? o.getValue(part) : null;
    }
    Set<String> out = new LinkedHashSet<>();
    if (value instanceof String s) {
      for (String p : s.trim().split("\\s+")) if (!p.isEmpty()) out.add(p);
    } else if (value instanceof JsonArray a) {
      for (Object p : a) if (p instanceof String s) out.add(s);
    }
    return out;
  }

  /** Claims as plain immutable maps and lists, which expressions can use with {@code contains}. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(JsonObject o) {
    return (Map<String, Object>) plainValue(o);
  }

  private static Object plainValue(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : o) m.put(e.getKey(), plainValue(e.getValue()));
      return Collections.unmodifiableMap(m);
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>(a.size());
      for (Object x : a) l.add(plainValue(x));
      return Collections.unmodifiableList(l);
    }
    return v;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
