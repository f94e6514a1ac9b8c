package dev.verdict.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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
import io.vertx.ext.auth.impl.jose.JWT;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Verifies tokens for one package's identity settings. Thread-safe; build one per
 * {@link IdentityConfig} and reuse it.
 *
 * <p>The algorithm allow-list is enforced twice: the token's header must name a listed algorithm,
 * and vertx-auth-jwt only holds keys for listed algorithms. A token that names its own key
 * ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) or carries a {@code kid} shaped like a path or
 * an injection is refused before any key is looked up.
 *
 * <p><b>Why the verified-token cache is safe.</b> Only a token that passed every check (signature,
 * algorithm, issuer, audience, time claims, required claims) is cached, keyed by its exact text, so
 * a cache hit is the same bytes that verified. An entry lives no longer than the token's
 * {@code exp} (plus leeway), and the expiry is re-checked on every hit. Revocation is consulted on
 * every hit. The cache belongs to this verifier, which belongs to one set of keys: changed keys
 * (a reload) make a new verifier with an empty cache, so a token signed by a removed key is never
 * answered from an old cache.
 */
public final class TokenVerifier {

  /** Tokens larger than this are refused before any parsing. */
  public static final int MAX_TOKEN_BYTES = 8 * 1024;

  /** Default bound on cached verified tokens. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private static final Set<String> KEY_NAMING_HEADERS = Set.of("jku", "x5u", "jwk", "x5c", "crit");
  private static final Pattern SAFE_KID = Pattern.compile("[A-Za-z0-9_.:+=@-]{1,256}");

  /** Tuning for a verifier; the defaults suit a sidecar. */
  public record Options(RevocationList revocations, LongSupplier nowSeconds, int cacheSize) {
    public Options {
      if (cacheSize < 0) throw new IllegalArgumentException("cacheSize must be >= 0, was " + cacheSize);
    }

    public static Options defaults() {
      return new Options(RevocationList.none(), () -> System.currentTimeMillis() / 1000, DEFAULT_CACHE_SIZE);
    }

    public Options withRevocations(RevocationList r) {
      return new Options(r, nowSeconds, cacheSize);
    }
  }

  private record Verified(Identity identity, long exp, String jti, long iat) {}

  private final IdentityConfig config;
  private final JWTAuth auth;
  private final Options options;
  private final Cache<String, Verified> cache;

  private TokenVerifier(IdentityConfig config, JWTAuth auth, Options options) {
    this.config = config;
    this.auth = auth;
    this.options = options;
    this.cache = Caffeine.newBuilder()
        .maximumSize(options.cacheSize())
        .expireAfter(new Expiry<String, Verified>() {
          @Override
          public long expireAfterCreate(String token, Verified v, long currentTime) {
            long seconds = v.exp() + config.leewaySeconds() - options.nowSeconds().getAsLong();
            return TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
          }

          @Override
          public long expireAfterUpdate(String token, Verified v, long currentTime, long currentDuration) {
            return expireAfterCreate(token, v, currentTime);
          }

          @Override
          public long expireAfterRead(String token, Verified v, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** A verifier with default options: no revocations, the system clock, a 10,000-token cache. */
  public static TokenVerifier create(Vertx vertx, IdentityConfig config) {
    return create(vertx, config, Options.defaults());
  }

  /**
   * @throws IllegalArgumentException when vertx-auth-jwt refuses the key material
   */
  public static TokenVerifier create(Vertx vertx, IdentityConfig config, Options options) {
    JWTAuthOptions jwtOptions = new JWTAuthOptions();
    for (String alg : config.algorithms()) {
      if (alg.startsWith("HS") && config.hmacSecret() != null) {
        jwtOptions.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.hmacSecret()));
      } else if (!alg.startsWith("HS") && config.publicKeyPem() != null) {
        jwtOptions.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.publicKeyPem()));
      }
    }
    jwtOptions.setJwks(jwks(config));
    JWTOptions jwt = new JWTOptions().setLeeway((int) Math.min(Integer.MAX_VALUE, config.leewaySeconds()));
    if (config.issuer() != null) jwt.setIssuer(config.issuer());
    if (!config.audience().isEmpty()) jwt.setAudience(config.audience());
    // Time claims are checked below against the injected clock, so that they have one source of
    // truth (vertx-auth-jwt reads the wall clock) and can be tested without sleeping.
    jwt.setIgnoreExpiration(true);
    jwtOptions.setJWTOptions(jwt);
    try {
      return new TokenVerifier(config, JWTAuth.create(vertx, jwtOptions), options);
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
      return invalid("token is larger than " + MAX_TOKEN_BYTES + " bytes");
    }
    long now = options.nowSeconds().getAsLong();
    Verified hit = cache.getIfPresent(token);
    if (hit != null) {
      if (now <= hit.exp() + config.leewaySeconds()) return Future.succeededFuture(checkRevoked(hit));
      cache.invalidate(token);
    }
    String refused = inspectHeader(token);
    if (refused != null) return invalid(refused);
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return invalid(describe(e));
    }
    return authenticated.transform(ar -> {
      if (ar.failed()) return invalid(describe(ar.cause()));
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
      Object checked = checkClaims(claims, now);
      if (checked instanceof String reason) return invalid(reason);
      Verified v = (Verified) checked;
      if (v.exp() != Long.MAX_VALUE) cache.put(token, v);
      return Future.succeededFuture(checkRevoked(v));
    });
  }

  /** Number of verified tokens currently cached (for metrics and tests). */
  public long cachedTokens() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /**
   * Checks that need no key: the algorithm, key-naming headers, the shape of {@code kid}, and the
   * types of the time claims (which vertx-auth-jwt would otherwise fail on with a cast error).
   */
  private String inspectHeader(String token) {
    JsonObject header;
    JsonObject payload;
    try {
      JsonObject parsed = JWT.parse(token);
      header = parsed.getJsonObject("header");
      payload = parsed.getJsonObject("payload");
    } catch (RuntimeException e) {
      return "malformed token: " + describe(e);
    }
    if (header == null || payload == null) return "malformed token: no header or payload";
    for (String time : List.of("exp", "nbf", "iat")) {
      Object v = payload.getValue(time);
      if (v != null && !(v instanceof Number)) return "`" + time + "` is not a number";
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String a) || !config.algorithms().contains(a)) {
      return "algorithm `" + alg + "` is not allowed";
    }
    for (String name : header.fieldNames()) {
      if (KEY_NAMING_HEADERS.contains(name)) return "token header `" + name + "` is not accepted: keys come only from the rules";
    }
    Object kid = header.getValue("kid");
    if (kid != null && !(kid instanceof String k && SAFE_KID.matcher(k).matches() && !k.contains(".."))) {
      return "token `kid` is not a plain key id";
    }
    return null;
  }

  /** The verified identity, or a reason (String) for refusing claims vertx-auth-jwt accepted. */
  private Object checkClaims(JsonObject claims, long now) {
    if (claims == null) return "token has no claims";
    Object exp = claims.getValue("exp");
    if (exp == null && config.requireExp()) return "token has no `exp`";
    for (String time : List.of("exp", "nbf", "iat")) {
      Object v = claims.getValue(time);
      if (v != null && !(v instanceof Number)) return "`" + time + "` is not a number";
    }
    long leeway = config.leewaySeconds();
    if (exp instanceof Number n && now > n.longValue() + leeway) return "token expired";
    Object nbf = claims.getValue("nbf");
    if (nbf instanceof Number n && now + leeway < n.longValue()) return "token is not valid yet (`nbf`)";
    Object iat = claims.getValue("iat");
    if (iat instanceof Number n && now + leeway < n.longValue()) return "`iat` is in the future";
    for (String required : config.requiredClaims()) {
      if (claims.getValue(required) == null) return "token has no `" + required + "` claim";
    }
    Object sub = claims.getValue("sub");
    if (sub != null && !(sub instanceof String)) return "`sub` is not a string";
    Object jti = claims.getValue("jti");
    Identity identity = Identity.verified((String) sub, permissions(claims), plain(claims));
    return new Verified(identity, exp instanceof Number n ? n.longValue() : Long.MAX_VALUE,
        jti instanceof String j ? j : null, iat instanceof Number n ? n.longValue() : Long.MIN_VALUE);
  }

  private Identity checkRevoked(Verified v) {
    RevocationList revocations = options.revocations();
    if (v.jti() != null && revocations.isTokenRevoked(v.jti())) return Identity.invalid("token has been revoked");
    long revokedAt = revocations.sessionsRevokedAt(v.identity().subject());
    // INVARIANT: a token whose issue time is unknown cannot prove it is newer than a revocation.
    if (revokedAt != Long.MIN_VALUE && v.iat() < revokedAt) return Identity.invalid("sessions of the subject were revoked");
    return v.identity();
  }

  private Set<String> permissions(JsonObject claims) {
    Set<String> out = new LinkedHashSet<>();
    addStrings(claimAt(claims, config.permissionsClaim()), out);
    if (config.rolesClaim() != null) {
      Set<String> roles = new LinkedHashSet<>();
      addStrings(claimAt(claims, config.rolesClaim()), roles);
      for (String role : roles) out.addAll(config.roles().getOrDefault(role, List.of()));
    }
    return out;
  }

  private static Object claimAt(JsonObject claims, String path) {
    Object value = claims;
    for (String part : path.split("\\.")) {
      value = value instanceof JsonObject o ? o.getValue(part) : null;
    }
    return value;
  }

  private static void addStrings(Object value, Set<String> out) {
    if (value instanceof String s) {
      for (String p : s.trim().split("\\s+")) if (!p.isEmpty()) out.add(p);
    } else if (value instanceof JsonArray a) {
      for (Object p : a) if (p instanceof String s) out.add(s);
    }
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

  private static Future<Identity> invalid(String reason) {
    return Future.succeededFuture(Identity.invalid(reason));
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
