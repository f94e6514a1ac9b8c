package dev.verdict.bench;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.engine.Verdict;
import dev.verdict.identity.IdentityVerifiers;
import dev.verdict.identity.RevocationList;
import dev.verdict.identity.TokenVerifier;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Token verification ({@link TokenVerifier#verifyToken}) and a whole decision with a verified
 * token, as the embedded handler and the sidecar do them.
 *
 * <ul>
 *   <li>{@link #uncached}: full verification per algorithm (HS256, RS256 with a 2048-bit key,
 *       ES256 on P-256): header and claim checks, signature, claim mapping. {@value #TOKENS}
 *       distinct valid tokens per algorithm are signed in setup and stepped with a cursor, against
 *       a verifier whose cache holds nothing (size 0), so every operation verifies a signature and
 *       none pays for signing.
 *   <li>{@link #cached}: the same tokens against a verifier with a large cache, warmed in setup:
 *       the cost of a repeated token (lookup, expiry, key and revocation checks).
 *   <li>{@link #decisionWithCachedToken}: {@code GET /api/bots/b1} on the Moltbot policy
 *       ({@code rules/moltbot.yaml}) with a bearer token: token extraction, the cached verification
 *       through {@link IdentityVerifiers}, and {@link Verdict#decide}. {@value #TOKENS} requests,
 *       one token (user) each, all cached in setup ({@code -p users=16} for fewer). Its two halves, measured alone to show where
 *       the time goes: {@link #verifyRequestWithCachedToken} (extraction and cached verification)
 *       and {@link #decideForVerifiedIdentity} ({@code Verdict.decide} with the identities the
 *       first produced).
 * </ul>
 *
 * <p>Every input is checked in setup to verify (and decide {@code ALLOW} by {@code read-bots}),
 * and every future to be complete already: these verifications never wait for keys, so
 * {@link Future#result()} is read directly.
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar IdentityBenchmark
 * }</pre>
 * The rules are read from {@code ../rules} (or {@code rules} when run from the repository root);
 * {@code -Dverdict.rules=<dir>} before {@code -jar} overrides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IdentityBenchmark {

  static final int TOKENS = 1024;
  static final int MASK = TOKENS - 1;
  static final String ISSUER = "https://idp.bench.example";
  static final String AUDIENCE = "bench-api";
  static final String MOLTBOT_ISSUER = "https://auth.moltbot.example";
  static final String MOLTBOT_AUDIENCE = "moltbot-api";
  static final String MOLTBOT_SECRET = "x".repeat(64); // what Moltbot.policy() resolves the secret to

  /** Tokens of one algorithm, and a verifier without cache and one with a warm cache. */
  @State(Scope.Benchmark)
  public static class Tokens {
    @Param({"HS256", "RS256", "ES256"})
    public String algorithm;

    Vertx vertx;
    String[] tokens;
    TokenVerifier uncachedVerifier;
    TokenVerifier cachedVerifier;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      vertx = Vertx.vertx();
      long now = System.currentTimeMillis() / 1000;
      String verifyKey;
      String signKey;
      if (algorithm.equals("HS256")) {
        verifyKey = "bench-secret-".repeat(5);
        signKey = verifyKey;
      } else {
        KeyPair pair = keyPair(algorithm);
        verifyKey = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        signKey = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      }
      boolean hmac = algorithm.equals("HS256");
      SourceLocation at = SourceLocation.of("bench");
      IdentityConfig config = IdentityConfig.single(at, List.of("bearer"), 30, Map.of(), List.of(), true,
          new IssuerConfig(at, ISSUER, List.of(algorithm), hmac ? verifyKey : null, hmac ? null : verifyKey,
              List.of(), null, 30, List.of(AUDIENCE), "permissions", null));
      uncachedVerifier = TokenVerifier.create(vertx, config,
          new TokenVerifier.Options(RevocationList.inMemory(), () -> now, 0));
      cachedVerifier = TokenVerifier.create(vertx, config,
          new TokenVerifier.Options(RevocationList.inMemory(), () -> now, 4 * TOKENS));

      JWTAuth signer = signer(vertx, algorithm, signKey);
      tokens = new String[TOKENS];
      for (int i = 0; i < TOKENS; i++) tokens[i] = sign(signer, algorithm, claims("user-" + i, ISSUER, AUDIENCE, now, i));
      for (String token : tokens) {
        expectVerified(uncachedVerifier.verifyToken(token));
        expectVerified(cachedVerifier.verifyToken(token)); // warms the cache
      }
      if (uncachedVerifier.cachedTokens() != 0 || cachedVerifier.cachedTokens() != TOKENS) {
        throw new IllegalStateException("cache sizes " + uncachedVerifier.cachedTokens() + ", "
            + cachedVerifier.cachedTokens());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      vertx.close().await();
    }
  }

  /** The Moltbot policy, its verifiers with a warm cache, and requests carrying one token each. */
  @State(Scope.Benchmark)
  public static class MoltbotPolicy {
    /** Distinct tokens (users) cycled through; a power of two. Fewer show the cost without cache misses. */
    @Param({"1024"})
    public int users;

    int mask;
    Vertx vertx;
    Verdict verdict;
    CompiledPolicy policy;
    CompiledPackage pkg;
    IdentityVerifiers identities;
    Request[] requests;
    Identity[] verified;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      if (Integer.bitCount(users) != 1) throw new IllegalArgumentException("users must be a power of two");
      mask = users - 1;
      vertx = Vertx.vertx();
      long now = System.currentTimeMillis() / 1000;
      policy = Moltbot.policy();
      verdict = Verdict.of(policy);
      pkg = policy.packageNamed(Moltbot.PACKAGE);
      identities = IdentityVerifiers.create(vertx,
          new TokenVerifier.Options(RevocationList.inMemory(), () -> now, 4 * TOKENS));
      JWTAuth signer = signer(vertx, "HS256", MOLTBOT_SECRET);
      requests = new Request[users];
      verified = new Identity[users];
      for (int i = 0; i < users; i++) {
        JsonObject claims = claims("user-" + i, MOLTBOT_ISSUER, MOLTBOT_AUDIENCE, now, i)
            .put("permissions", new JsonArray(List.of("bots:read", "chat:send", "conversations:read")))
            .put("bots", new JsonArray(List.of("b1", "b2")));
        requests[i] = new Request("GET", "/api/bots/b1", Map.of(
            "user-agent", Moltbot.BROWSER_UA, "accept", "application/json",
            "accept-encoding", "gzip, deflate, br", "authorization", "Bearer " + sign(signer, "HS256", claims)),
            "10.1.4.27");
      }
      for (int i = 0; i < users; i++) {
        Future<Identity> identity = identities.verify(pkg, requests[i]); // verifies and caches the token
        expectVerified(identity);
        verified[i] = identity.result();
        Decision d = verdict.decide(policy, pkg, requests[i], verified[i]);
        if (d.outcome() != Outcome.ALLOW || !"read-bots".equals(d.rule())) {
          throw new IllegalStateException("GET /api/bots/b1 decided " + d + ", expected ALLOW by read-bots");
        }
      }
      if (identities.forPackage(pkg).cachedTokens() != users) throw new IllegalStateException("tokens not cached");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      vertx.close().await();
    }
  }

  /** The position in the inputs, one per thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  private static JsonObject claims(String subject, String issuer, String audience, long now, int i) {
    return new JsonObject().put("sub", subject).put("iss", issuer).put("aud", audience).put("jti", "jti-" + i)
        .put("iat", now).put("exp", now + 86_400).put("permissions", new JsonArray(List.of("orders:read")));
  }

  private static KeyPair keyPair(String alg) throws Exception {
    if (alg.equals("RS256")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static JWTAuth signer(Vertx vertx, String alg, String key) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(key)));
  }

  private static String sign(JWTAuth signer, String alg, JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm(alg).setNoTimestamp(true));
  }

  private static void expectVerified(Future<Identity> f) {
    if (!f.isComplete()) throw new IllegalStateException("verification did not complete synchronously");
    if (!f.result().isVerified()) throw new IllegalStateException("not verified: " + f.result().failure());
  }

  @Benchmark
  public Identity uncached(Tokens t, Cursor cursor) {
    return t.uncachedVerifier.verifyToken(t.tokens[cursor.next++ & MASK]).result();
  }

  @Benchmark
  public Identity cached(Tokens t, Cursor cursor) {
    return t.cachedVerifier.verifyToken(t.tokens[cursor.next++ & MASK]).result();
  }

  @Benchmark
  public Decision decisionWithCachedToken(MoltbotPolicy m, Cursor cursor) {
    Request request = m.requests[cursor.next++ & m.mask];
    return m.verdict.decide(m.policy, m.pkg, request, m.identities.verify(m.pkg, request).result());
  }

  @Benchmark
  public Identity verifyRequestWithCachedToken(MoltbotPolicy m, Cursor cursor) {
    return m.identities.verify(m.pkg, m.requests[cursor.next++ & m.mask]).result();
  }

  @Benchmark
  public Decision decideForVerifiedIdentity(MoltbotPolicy m, Cursor cursor) {
    int i = cursor.next++ & m.mask;
    return m.verdict.decide(m.policy, m.pkg, m.requests[i], m.verified[i]);
  }
}
