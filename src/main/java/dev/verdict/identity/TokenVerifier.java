package dev.verdict.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWT;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Verifies tokens for one package's identity settings. Thread-safe; build one per
 * {@link IdentityConfig} and reuse it.
 *
 * <p><b>Issuers.</b> The token's {@code iss}, read from the still unverified payload, chooses one
 * of the package's issuers; the token is then verified with that issuer's keys, algorithms and
 * audience only. An {@code iss} no issuer claims is refused without trying any key, so a token
 * that names issuer A but is signed with issuer B's key fails A's signature check.
 *
 * <p>The algorithm allow-list is enforced twice: the token's header must name an algorithm its
 * issuer allows, and vertx-auth-jwt only holds keys for allowed algorithms. A token that names its
 * own key ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c}) or carries a {@code kid} shaped like
 * a path or an injection is refused before any key is looked up.
 *
 * <p><b>Remote JWKS.</b> Keys are fetched without blocking (see {@link IssuerKeys}). A verification
 * waits only for a fetch it needs: the first one, or one for a {@code kid} the cached keys lack,
 * which happens at most once per {@code jwks_refresh_interval}. With no keys at all after that
 * fetch (or its timeout) the token is refused: fail closed. When a verification had to wait, its
 * future completes on the caller's Vert.x context.
 *
 * <p><b>Why the verified-token cache is safe.</b> Only a token that passed every check (signature,
 * algorithm, issuer, audience, time claims, required claims) is cached, keyed by its exact text, so
 * a cache hit is the same bytes that verified. An entry lives no longer than the token's
 * {@code exp} (plus leeway), and the expiry is re-checked on every hit. Revocation is consulted on
 * every hit. Each entry records the issuer, the key set and the published key that verified it;
 * a hit is answered only while that key set is still current or that very key is still published,
 * so a key removed from a JWKS stops verifying its cached tokens the moment the new set is
 * swapped in (such entries are also evicted then). Changed rules make a new verifier with an
 * empty cache.
 */
public final class TokenVerifier {

  /** Tokens larger than this are refused before any parsing. */
  public static final int MAX_TOKEN_BYTES = 8 * 1024;

  /** Default bound on cached verified tokens. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** Default bound on one JWKS fetch, connection included. */
  public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);

  private static final Set<String> KEY_NAMING_HEADERS = Set.of("jku", "x5u", "jwk", "x5c", "crit");
  private static final Pattern SAFE_KID = Pattern.compile("[A-Za-z0-9_.:+=@-]{1,256}");
  private static final List<String> TIME_CLAIMS = List.of("exp", "nbf", "iat", "auth_time");
  /**
   * Largest time claim accepted: 2^53 - 1 seconds, the largest integer JSON numbers carry exactly.
   * With every time claim in [0, this], rules can subtract them from {@code now} without overflow.
   */
  private static final double LATEST_TIME = 9_007_199_254_740_991d;

  /**
   * Tuning for a verifier; the defaults suit a sidecar.
   *
   * @param nowSeconds  the clock for time claims, the cache and JWKS refreshes (injected for tests)
   * @param cacheSize   verified tokens kept; 0 turns the cache off
   * @param jwksTimeout the longest one JWKS fetch may take, and so the longest a token waits for keys
   */
  public record Options(RevocationList revocations, LongSupplier nowSeconds, int cacheSize, Duration jwksTimeout) {
    public Options {
      Objects.requireNonNull(revocations, "revocations");
      Objects.requireNonNull(nowSeconds, "nowSeconds");
      if (cacheSize < 0) throw new IllegalArgumentException("cacheSize must be >= 0, was " + cacheSize);
      if (jwksTimeout == null || jwksTimeout.isNegative() || jwksTimeout.isZero()) {
        throw new IllegalArgumentException("jwksTimeout must be positive, was " + jwksTimeout);
      }
    }

    public Options(RevocationList revocations, LongSupplier nowSeconds, int cacheSize) {
      this(revocations, nowSeconds, cacheSize, DEFAULT_JWKS_TIMEOUT);
    }

    public static Options defaults() {
      return new Options(RevocationList.none(), () -> System.currentTimeMillis() / 1000, DEFAULT_CACHE_SIZE);
    }

    public Options withRevocations(RevocationList r) {
      return new Options(r, nowSeconds, cacheSize, jwksTimeout);
    }

    /** The same options judging time claims by {@code clock} (epoch seconds). */
    public Options withClock(LongSupplier clock) {
      return new Options(revocations, clock, cacheSize, jwksTimeout);
    }

    public Options withJwksTimeout(Duration timeout) {
      return new Options(revocations, nowSeconds, cacheSize, timeout);
    }
  }

  /**
   * A fully verified token, with what verified it: see "why the cache is safe" above. {@code answer}
   * is {@code identity} as an already succeeded future, made once: a completed future holds its
   * value and nothing else, so every hit may hand out the same one (as Vert.x shares its empty one).
   */
  private record Verified(Identity identity, long exp, String jti, long iat,
                          IssuerKeys issuer, KeySet keys, String kid, JsonObject key, Future<Identity> answer) {}

  /**
   * A cache key: the exact token, hashed over its last {@value #HASHED_CHARS} characters only.
   * Equality is still the whole text, so a hit is always the very bytes that verified. Hashing the
   * tail (signature bytes, uniformly distributed in every token that was verified and so could be
   * cached) spares hashing the 0.4-2 KB of each request's fresh token string; a caller who crafts
   * colliding tails only lands in buckets of well-spread verified tokens. Sixteen base64url
   * characters are 96 random bits, far more than the 32 of the hash; the loop runs on every request.
   */
  private static final class TokenKey {
    private static final int HASHED_CHARS = 16;
    private final String token;
    private final int hash;

    TokenKey(String token) {
      this.token = token;
      int h = token.length();
      for (int i = Math.max(0, token.length() - HASHED_CHARS); i < token.length(); i++) h = 31 * h + token.charAt(i);
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TokenKey k && k.hash == hash && k.token.equals(token);
    }
  }

  /** What the unverified header and payload say, once they passed the checks that need no key. */
  private record Inspected(String alg, String kid, Object iss) {}

  private final IdentityConfig config;
  private final Options options;
  private final List<IssuerKeys> issuers = new ArrayList<>();
  private final Map<String, IssuerKeys> byIssuer = new HashMap<>();
  private final IssuerKeys anyIssuer;      // the single issuer without `issuer`: iss is not checked
  private final Set<String> algorithms;    // every algorithm some issuer allows
  private final TokenExtractor extractor;
  private final Cache<TokenKey, Verified> cache;
  private final boolean caching;           // a size-0 Caffeine cache would still put and evict on every call

  private TokenVerifier(Vertx vertx, IdentityConfig config, Options options, Supplier<WebClient> client) {
    this.config = config;
    this.options = options;
    this.algorithms = Set.copyOf(config.algorithms());
    this.caching = options.cacheSize() > 0;
    this.extractor = TokenExtractor.of(config.tokens());
    this.cache = Caffeine.newBuilder()
        .maximumSize(options.cacheSize())
        .expireAfter(new Expiry<TokenKey, Verified>() {
          @Override
          public long expireAfterCreate(TokenKey token, Verified v, long currentTime) {
            long seconds = v.exp() + config.leewaySeconds() - options.nowSeconds().getAsLong();
            return TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
          }

          @Override
          public long expireAfterUpdate(TokenKey token, Verified v, long currentTime, long currentDuration) {
            return expireAfterCreate(token, v, currentTime);
          }

          @Override
          public long expireAfterRead(TokenKey token, Verified v, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
    IssuerKeys.Fetching fetching = new IssuerKeys.Fetching(vertx, client, options.nowSeconds(),
        options.jwksTimeout().toMillis());
    IssuerKeys any = null;
    for (IssuerConfig issuer : config.issuers()) {
      IssuerKeys keys = issuer.jwksUrl() == null ? IssuerKeys.fixed(vertx, issuer, config.leewaySeconds())
          : IssuerKeys.remote(issuer, config.leewaySeconds(), fetching, this::evictUntrusted);
      issuers.add(keys);
      if (issuer.issuer() == null) {
        any = keys;
      } else {
        byIssuer.put(issuer.issuer(), keys);
      }
    }
    this.anyIssuer = any;
  }

  /** A verifier with default options: no revocations, the system clock, a 10,000-token cache. */
  public static TokenVerifier create(Vertx vertx, IdentityConfig config) {
    return create(vertx, config, Options.defaults());
  }

  /**
   * A verifier with its own web client for remote JWKS, made only if an issuer needs one.
   *
   * @throws IllegalArgumentException when vertx-auth-jwt refuses the key material
   */
  public static TokenVerifier create(Vertx vertx, IdentityConfig config, Options options) {
    return create(vertx, config, options, IssuerKeys.lazyClient(vertx));
  }

  /** As {@link #create(Vertx, IdentityConfig, Options)}, fetching remote JWKS with {@code client}. */
  static TokenVerifier create(Vertx vertx, IdentityConfig config, Options options, Supplier<WebClient> client) {
    return new TokenVerifier(vertx, config, options, client);
  }

  /** Finds and verifies the request's token. Never fails: problems become an invalid identity. */
  public Future<Identity> verify(Request request) {
    String token = extractor.find(request);
    if (token == TokenExtractor.CONFLICT) return invalid("conflicting credentials: the request carries different tokens");
    return token == null ? Future.succeededFuture(Identity.anonymous()) : verifyToken(token);
  }

  /**
   * Verifies one token. Never fails: problems become an invalid identity. Completes at once
   * unless keys must be fetched first (see the class comment).
   */
  public Future<Identity> verifyToken(String token) {
    if (token.length() > MAX_TOKEN_BYTES) {
      return invalid("token is larger than " + MAX_TOKEN_BYTES + " bytes");
    }
    long now = options.nowSeconds().getAsLong();
    TokenKey key = caching ? new TokenKey(token) : null;
    Verified hit = caching ? cache.getIfPresent(key) : null;
    if (hit != null) {
      IssuerKeys issuer = hit.issuer();
      issuer.refreshIfDue(now);
      if (now <= hit.exp() + config.leewaySeconds() && issuer.trusts(hit.keys(), hit.kid(), hit.key())) {
        return answer(hit);
      }
      cache.invalidate(key);
    }
    Object inspected = inspect(token);
    if (inspected instanceof String reason) return invalid(reason);
    Inspected t = (Inspected) inspected;
    IssuerKeys issuer = anyIssuer != null ? anyIssuer : t.iss() instanceof String iss ? byIssuer.get(iss) : null;
    if (issuer == null) {
      return invalid(t.iss() == null ? "token has no `iss`, so no issuer can verify it"
          : "issuer `" + shorten(String.valueOf(t.iss())) + "` is not trusted here");
    }
    if (!issuer.config().algorithms().contains(t.alg())) {
      return invalid("algorithm `" + t.alg() + "` is not allowed for " + name(issuer));
    }
    Future<KeySet> keys = issuer.keysFor(t.kid(), now);
    if (keys.isComplete()) {
      return keys.succeeded() ? verifyWith(token, key, t, issuer, keys.result(), now) : invalid(describe(keys.cause()));
    }
    // Keys are being fetched: go on when they arrive, and answer on the caller's context.
    Context caller = Vertx.currentContext();
    Promise<Identity> answer = Promise.promise();
    keys.onComplete(ar -> {
      Future<Identity> verified = ar.succeeded()
          ? verifyWith(token, key, t, issuer, ar.result(), options.nowSeconds().getAsLong())
          : invalid(describe(ar.cause()));
      verified.onComplete(v -> {
        Identity id = v.succeeded() ? v.result() : Identity.invalid(describe(v.cause()));
        if (caller == null || caller == Vertx.currentContext()) {
          answer.complete(id);
        } else {
          caller.runOnContext(x -> answer.complete(id));
        }
      });
    });
    return answer.future();
  }

  /** Number of verified tokens currently cached (for metrics and tests). */
  public long cachedTokens() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Completes when no JWKS fetch is running; for tests that must see a background refresh land. */
  Future<Void> keysSettled() {
    List<Future<Void>> running = new ArrayList<>();
    for (IssuerKeys keys : issuers) running.add(keys.settled());
    return Future.all(running).mapEmpty();
  }

  /** Why the last JWKS fetch of {@code issuer} failed, or {@code null}. */
  String lastJwksFailure(String issuer) {
    IssuerKeys keys = issuer == null ? anyIssuer : byIssuer.get(issuer);
    return keys == null ? null : keys.lastFailure();
  }

  private Future<Identity> verifyWith(String token, TokenKey key, Inspected t, IssuerKeys issuer, KeySet keys,
                                      long now) {
    if (t.kid() != null && !keys.unnamedKeys && !keys.byKid.containsKey(t.kid())) {
      return invalid("token `kid` `" + t.kid() + "` names no key of " + name(issuer));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = keys.auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return invalid(describe(e));
    }
    return authenticated.transform(ar -> {
      if (ar.failed()) return invalid(describe(ar.cause()));
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
      Object checked = checkClaims(claims, now, issuer.config());
      if (checked instanceof String reason) return invalid(reason);
      Verified v = (Verified) checked;
      v = new Verified(v.identity(), v.exp(), v.jti(), v.iat(), issuer, keys, t.kid(),
          t.kid() == null ? null : keys.byKid.get(t.kid()), Future.succeededFuture(v.identity()));
      if (caching && v.exp() != Long.MAX_VALUE) cache.put(key, v);
      return answer(v);
    });
  }

  /** Drops cached tokens whose key left {@code issuer}'s JWKS; a hit would refuse them anyway. */
  private void evictUntrusted(IssuerKeys issuer) {
    cache.asMap().values().removeIf(v -> v.issuer() == issuer && !issuer.trusts(v.keys(), v.kid(), v.key()));
  }

  /**
   * Checks that need no key: the algorithm, key-naming headers, the shape of {@code kid}, and the
   * types of the time claims (which vertx-auth-jwt would otherwise fail on with a cast error).
   * Returns the reason to refuse, or what the issuer lookup needs.
   */
  private Object inspect(String token) {
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
    for (String time : TIME_CLAIMS) {
      Object v = payload.getValue(time);
      if (v != null && !(v instanceof Number)) return "`" + time + "` is not a number";
    }
    Object alg = header.getValue("alg");
    if (!(alg instanceof String a) || !algorithms.contains(a)) {
      return "algorithm `" + alg + "` is not allowed";
    }
    for (String name : header.fieldNames()) {
      if (KEY_NAMING_HEADERS.contains(name)) return "token header `" + name + "` is not accepted: keys come only from the rules";
    }
    Object kid = header.getValue("kid");
    if (kid != null && !(kid instanceof String k && SAFE_KID.matcher(k).matches() && !k.contains(".."))) {
      return "token `kid` is not a plain key id";
    }
    return new Inspected(a, (String) kid, payload.getValue("iss"));
  }

  /** The verified identity, or a reason (String) for refusing claims vertx-auth-jwt accepted. */
  private Object checkClaims(JsonObject claims, long now, IssuerConfig issuer) {
    if (claims == null) return "token has no claims";
    Object exp = claims.getValue("exp");
    if (exp == null && config.requireExp()) return "token has no `exp`";
    for (String time : TIME_CLAIMS) {
      Object v = claims.getValue(time);
      if (v == null) continue;
      if (!(v instanceof Number n)) return "`" + time + "` is not a number";
      // Negative or astronomically large times are no real instant; let through, they would make
      // `now - token.auth_time` wrap around and a stale login look recent.
      double seconds = n.doubleValue();
      if (!(seconds >= 0 && seconds <= LATEST_TIME)) return "`" + time + "` is not a valid time";
    }
    long leeway = config.leewaySeconds();
    if (exp instanceof Number n && now > n.longValue() + leeway) return "token expired";
    Object nbf = claims.getValue("nbf");
    if (nbf instanceof Number n && now + leeway < n.longValue()) return "token is not valid yet (`nbf`)";
    Object iat = claims.getValue("iat");
    if (iat instanceof Number n && now + leeway < n.longValue()) return "`iat` is in the future";
    // OpenID Connect's time of login: one in the future would count as "recent" forever (an
    // identity provider writing milliseconds, a forged value), so it is refused like a future `iat`.
    Object authTime = claims.getValue("auth_time");
    if (authTime instanceof Number n && now + leeway < n.doubleValue()) return "`auth_time` is in the future";
    for (String required : config.requiredClaims()) {
      if (claims.getValue(required) == null) return "token has no `" + required + "` claim";
    }
    // A token that names nobody establishes no identity: decisions and logs need a subject.
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isBlank()) return "token has no `sub` (subject)";
    Object jti = claims.getValue("jti");
    Identity identity = Identity.verified((String) sub, permissions(claims, issuer), plain(claims));
    return new Verified(identity, exp instanceof Number n ? n.longValue() : Long.MAX_VALUE,
        jti instanceof String j ? j : null, iat instanceof Number n ? n.longValue() : Long.MIN_VALUE,
        null, null, null, null, null);
  }

  /** The verified identity unless revoked since, as a future: the one made at verification when it stands. */
  private Future<Identity> answer(Verified v) {
    Identity checked = checkRevoked(v);
    return checked == v.identity() ? v.answer() : Future.succeededFuture(checked);
  }

  private Identity checkRevoked(Verified v) {
    RevocationList revocations = options.revocations();
    if (v.jti() != null && revocations.isTokenRevoked(v.jti())) return Identity.invalid("token has been revoked");
    long revokedAt = revocations.sessionsRevokedAt(v.identity().subject());
    // INVARIANT: a token whose issue time is unknown cannot prove it is newer than a revocation.
    // `iat` has one-second resolution: a token issued in the very second of the revocation may
    // have been issued before it, so it is refused too (a legitimate new login simply retries).
    if (revokedAt != Long.MIN_VALUE && v.iat() <= revokedAt) return Identity.invalid("sessions of the subject were revoked");
    return v.identity();
  }

  private static String name(IssuerKeys issuer) {
    return issuer.config().issuer() == null ? "the package's issuer" : "issuer `" + issuer.config().issuer() + "`";
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  private Set<String> permissions(JsonObject claims, IssuerConfig issuer) {
    Set<String> out = new LinkedHashSet<>();
    addStrings(claimAt(claims, issuer.permissionsClaim()), out);
    if (issuer.rolesClaim() != null) {
      Set<String> roles = new LinkedHashSet<>();
      addStrings(claimAt(claims, issuer.rolesClaim()), roles);
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
