package dev.verdict.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.verdict.Identity;
import dev.verdict.SourceLocation;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import dev.verdict.testing.JwksServer;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys from a remote JWKS, served by a Vert.x HTTP server on 127.0.0.1 that each test controls.
 * Time is the injected clock: refresh intervals and max-age are crossed by setting it, and a
 * background refresh is awaited through {@link TokenVerifier#keysSettled()}, never by sleeping.
 * Tokens are minted by nimbus-jose-jwt.
 */
@ExtendWith(VertxExtension.class)
class RemoteJwksTest {

  private static final String ISS = "https://idp.example";
  private static final long NOW = 1_800_000_000L;
  private static final long INTERVAL = 30;

  private final AtomicLong clock = new AtomicLong(NOW);
  private Vertx vertx;
  private JwksServer idp;
  private ECKey k1;
  private ECKey k2;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.idp = JwksServer.start(vertx);
    this.k1 = key("k1");
    this.k2 = key("k2");
  }

  private static ECKey key(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private IdentityConfig config() {
    SourceLocation at = SourceLocation.of("test");
    return IdentityConfig.single(at, List.of("bearer"), 0, Map.of(), List.of(), true,
        new IssuerConfig(at, ISS, List.of("ES256"), null, null, List.of(), idp.url(), INTERVAL, List.of(),
            "permissions", null));
  }

  private TokenVerifier verifier(Duration timeout) {
    return TokenVerifier.create(vertx, config(),
        new TokenVerifier.Options(RevocationList.none(), clock::get, 100, timeout));
  }

  /** A verifier whose first fetch has landed. */
  private TokenVerifier ready() {
    TokenVerifier v = verifier(TokenVerifier.DEFAULT_JWKS_TIMEOUT);
    v.keysSettled().await();
    return v;
  }

  /** A token valid for ten minutes from the injected clock's start, unique per call. */
  private static String token(ECKey key) {
    return TestTokens.es256(key, new JWTClaimsSet.Builder().subject("ann").issuer(ISS).jwtID(UUID.randomUUID().toString())
        .issueTime(new Date(NOW * 1000)).expirationTime(new Date((NOW + 86_400 * 2) * 1000)).build());
  }

  private static Identity verify(TokenVerifier v, String token) {
    return v.verifyToken(token).await();
  }

  private static void assertVerified(Identity id) {
    assertEquals(Identity.Status.VERIFIED, id.status(), id::failure);
  }

  private static void assertRefused(Identity id, String reasonPart) {
    assertEquals(Identity.Status.INVALID, id.status(), () -> "accepted: " + id);
    assertTrue(id.failure().contains(reasonPart), id.failure());
  }

  @Nested
  class FirstUse {
    @Test
    void aTokenArrivingBeforeTheFirstFetchLands_waitsForIt_thenVerifies() {
      idp.publish(k1).hold();
      TokenVerifier v = verifier(TokenVerifier.DEFAULT_JWKS_TIMEOUT);
      Future<Identity> pending = v.verifyToken(token(k1));
      assertTrue(!pending.isComplete(), "answered before any key was fetched");
      idp.release();
      assertVerified(pending.await());
      assertEquals(1, idp.requests());
    }

    @Test
    void whenTheFirstFetchFails_tokensAreRefused_andTheNextFetchWaitsForTheInterval() {
      idp.respond(503, "down for maintenance");
      TokenVerifier v = verifier(TokenVerifier.DEFAULT_JWKS_TIMEOUT);
      assertRefused(verify(v, token(k1)), "no keys from jwks");
      assertRefused(verify(v, token(k1)), "status 503");
      assertEquals(1, idp.requests());

      idp.publish(k1);
      clock.set(NOW + INTERVAL);
      assertVerified(verify(v, token(k1)));
      assertEquals(2, idp.requests());
    }

    @Test
    void whenTheFirstFetchTimesOut_theWaitingTokenIsRefused() {
      idp.publish(k1).hold(); // never answers within the timeout
      TokenVerifier v = verifier(Duration.ofMillis(200));
      assertRefused(verify(v, token(k1)), "no keys from jwks");
      assertTrue(v.lastJwksFailure(ISS).contains("Timeout"), v.lastJwksFailure(ISS));
      idp.release();
    }

    @Test
    void aTokenThatWaitedForKeys_isAnsweredOnTheCallersContext() {
      idp.publish(k1).hold();
      TokenVerifier v = verifier(TokenVerifier.DEFAULT_JWKS_TIMEOUT); // fetch started from the test thread
      Context caller = vertx.getOrCreateContext();
      Promise<Boolean> onCaller = Promise.promise();
      Promise<Void> asked = Promise.promise();
      caller.runOnContext(x -> {
        v.verifyToken(token(k1)).onComplete(ar ->
            onCaller.complete(Vertx.currentContext() == caller && ar.result().isVerified()));
        asked.complete();
      });
      asked.future().await();
      idp.release();
      assertTrue(onCaller.future().await());
    }
  }

  @Nested
  class Rotation {
    @Test
    void aKeyAddedToTheJwks_isPickedUp_byTheFirstTokenNamingIt_onceTheIntervalHasPassed() {
      idp.publish(k1);
      TokenVerifier v = ready();
      idp.publish(k1, k2);
      // Within the interval since the last fetch, an unknown kid is refused without a fetch.
      assertRefused(verify(v, token(k2)), "`kid` `k2` names no key");
      assertEquals(1, idp.requests());

      clock.set(NOW + INTERVAL);
      assertVerified(verify(v, token(k2)));
      assertEquals(2, idp.requests());
      assertVerified(verify(v, token(k1)));
    }

    @Test
    void aKeyAddedToTheJwks_isPickedUp_byTheMaxAgeRefresh() {
      idp.publish(k1).cacheControl("public, max-age=600");
      TokenVerifier v = ready();
      idp.publish(k1, k2);
      clock.set(NOW + 600);
      assertVerified(verify(v, token(k1))); // due: starts a background refresh, answers with current keys
      v.keysSettled().await();
      assertEquals(2, idp.requests());
      assertVerified(verify(v, token(k2)));
      assertEquals(2, idp.requests());
    }

    @Test
    void aKeyRemovedFromTheJwks_stopsVerifyingAtOnce_evenForATokenItSignedThatWasCached() {
      idp.publish(k1, k2);
      TokenVerifier v = ready();
      String cached = token(k1);
      assertVerified(verify(v, cached));
      assertVerified(verify(v, cached));
      assertEquals(1, v.cachedTokens());

      ECKey k3 = keyUnchecked("k3");
      idp.publish(k2, k3); // k1 rotated out
      clock.set(NOW + INTERVAL);
      // A token naming k3 (but signed by k1, so it is refused and not cached) makes the verifier
      // refetch; the new set is swapped in and the removed key's cache entry evicted.
      ECKey k1CallingItselfK3 = new ECKey.Builder(k1).keyID("k3").build();
      assertRefused(verify(v, token(k1CallingItselfK3)), "Signature verification failed");
      assertEquals(2, idp.requests());
      assertEquals(0, v.cachedTokens(), "the entry of the removed key was not evicted");

      assertRefused(verify(v, cached), "`kid` `k1` names no key");
      assertRefused(verify(v, token(k1)), "`kid` `k1` names no key");
      assertVerified(verify(v, token(k3)));
    }

    @Test
    void aKeyRemovedFromTheJwks_isNoticedByTheMaxAgeRefresh_andItsCachedTokensAreRefused() {
      idp.publish(k1).cacheControl("max-age=120");
      TokenVerifier v = ready();
      String cached = token(k1);
      assertVerified(verify(v, cached));

      idp.publish(k2);
      clock.set(NOW + 120);
      verify(v, cached); // due: the refresh starts in the background; this answer does not wait for it
      v.keysSettled().await();
      assertRefused(verify(v, cached), "`kid` `k1` names no key");
    }

    @Test
    void aKeyReplacedUnderTheSameKid_refusesTokensSignedByTheOldOne_evenWhenCached() throws Exception {
      idp.publish(k1).cacheControl("max-age=60");
      TokenVerifier v = ready();
      String cached = token(k1);
      assertVerified(verify(v, cached));

      ECKey newK1 = key("k1");
      idp.publish(newK1);
      clock.set(NOW + 60);
      verify(v, token(newK1));
      v.keysSettled().await();
      assertRefused(verify(v, cached), "Signature verification failed");
      assertVerified(verify(v, token(newK1)));
    }

    @Test
    void addingAKey_keepsTheCachedTokensOfTheKeysThatStay() {
      idp.publish(k1).cacheControl("max-age=60");
      TokenVerifier v = ready();
      String cached = token(k1);
      assertVerified(verify(v, cached));

      idp.publish(k1, k2);
      clock.set(NOW + 60);
      verify(v, cached);
      v.keysSettled().await();
      assertEquals(2, idp.requests());
      assertEquals(1, v.cachedTokens());
      assertVerified(verify(v, cached));
    }
  }

  @Nested
  class RateLimit {
    private List<Identity> flood(TokenVerifier v, int n) {
      List<Future<Identity>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) answers.add(v.verifyToken(token(keyUnchecked("random-" + UUID.randomUUID()))));
      return answers.stream().map(f -> f.await()).toList();
    }

    @Test
    void fiftyTokensWithRandomKids_afterTheInterval_causeOneFetch_andAreAllRefused() {
      idp.publish(k1);
      TokenVerifier v = ready();
      clock.set(NOW + INTERVAL);
      idp.hold(); // the refetch stays in flight until every token has asked
      List<Future<Identity>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) answers.add(v.verifyToken(token(keyUnchecked("random-" + i))));
      idp.release();
      for (Future<Identity> a : answers) assertRefused(a.await(), "names no key");
      assertEquals(2, idp.requests(), "the first fetch and one refetch");

      flood(v, 50).forEach(id -> assertRefused(id, "names no key"));
      assertEquals(2, idp.requests(), "still within the interval");
      assertVerified(verify(v, token(k1)));
    }

    @Test
    void fiftyTokensWithRandomKids_withinTheIntervalOfTheFirstFetch_causeNoFetch() {
      idp.publish(k1);
      TokenVerifier v = ready();
      clock.set(NOW + INTERVAL - 1);
      flood(v, 50).forEach(id -> assertRefused(id, "names no key"));
      assertEquals(1, idp.requests());
    }
  }

  @Nested
  class IdentityProviderDown {
    @Test
    void serverGone_theLastGoodKeysKeepVerifying() {
      idp.publish(k1).cacheControl("max-age=60");
      TokenVerifier v = ready();
      idp.stop();

      clock.set(NOW + 60);
      assertVerified(verify(v, token(k1))); // starts a refresh that cannot connect
      v.keysSettled().await();
      assertNotNull(v.lastJwksFailure(ISS));
      assertVerified(verify(v, token(k1)));

      clock.set(NOW + 60 + INTERVAL);
      assertRefused(verify(v, token(k2)), "names no key"); // the refetch for k2 fails too
      assertVerified(verify(v, token(k1)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500", "not json", "no keys array", "empty keys", "only keys for other algorithms"})
    void aBadAnswer_keepsTheLastGoodKeys(String answer) throws Exception {
      idp.publish(k1).cacheControl("max-age=60");
      TokenVerifier v = ready();
      switch (answer) {
        case "500" -> idp.respond(500, "{}");
        case "not json" -> idp.respond(200, "<html>login</html>");
        case "no keys array" -> idp.respond(200, "{\"jwks\": []}");
        case "empty keys" -> idp.respond(200, "{\"keys\": []}");
        default -> idp.publish(new ECKeyGenerator(Curve.P_384).keyID("p384").generate());
      }
      clock.set(NOW + 60);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(2, idp.requests());
      assertNotNull(v.lastJwksFailure(ISS));
      assertVerified(verify(v, token(k1)));
    }

    @Test
    void afterAFailure_theNextRefreshWaitsForTheInterval_thenRecovers() {
      idp.publish(k1).cacheControl("max-age=60");
      TokenVerifier v = ready();
      idp.respond(503, "");
      clock.set(NOW + 60);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(2, idp.requests());

      clock.set(NOW + 60 + INTERVAL - 1);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(2, idp.requests());

      idp.publish(k1, k2);
      clock.set(NOW + 60 + INTERVAL);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(3, idp.requests());
      assertNull(v.lastJwksFailure(ISS));
      assertVerified(verify(v, token(k2)));
    }
  }

  @Nested
  class MaxAge {
    /** Crosses {@code seconds} after the last fetch: one second short fetches nothing, the second itself does. */
    private void assertRefreshedAfter(TokenVerifier v, long from, long seconds, int requestsBefore) {
      clock.set(from + seconds - 1);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(requestsBefore, idp.requests(), "fetched before " + seconds + "s");
      clock.set(from + seconds);
      verify(v, token(k1));
      v.keysSettled().await();
      assertEquals(requestsBefore + 1, idp.requests(), "not fetched at " + seconds + "s");
    }

    @Test
    void maxAge_isHonoured() {
      idp.publish(k1).cacheControl("public, max-age=600, must-revalidate");
      TokenVerifier v = ready();
      assertRefreshedAfter(v, NOW, 600, 1);
    }

    @Test
    void maxAgeBelowTheFloor_isRaisedToAMinute() {
      idp.publish(k1).cacheControl("max-age=5");
      TokenVerifier v = ready();
      assertRefreshedAfter(v, NOW, IssuerKeys.MIN_REFRESH_SECONDS, 1);
    }

    @Test
    void maxAgeAboveTheCeiling_isCappedAtADay() {
      idp.publish(k1).cacheControl("max-age=31536000");
      TokenVerifier v = ready();
      assertRefreshedAfter(v, NOW, IssuerKeys.MAX_REFRESH_SECONDS, 1);
    }

    @Test
    void noCacheControl_refreshesAfterFiveMinutes_noStore_afterTheFloor() {
      idp.publish(k1);
      TokenVerifier v = ready();
      assertRefreshedAfter(v, NOW, IssuerKeys.DEFAULT_REFRESH_SECONDS, 1);
      idp.cacheControl("no-store");
      long last = NOW + IssuerKeys.DEFAULT_REFRESH_SECONDS;
      assertRefreshedAfter(v, last, IssuerKeys.DEFAULT_REFRESH_SECONDS, 2); // this answer said no-store
      assertRefreshedAfter(v, last + IssuerKeys.DEFAULT_REFRESH_SECONDS, IssuerKeys.MIN_REFRESH_SECONDS, 3);
    }

    @Test
    void cacheControlParsing() {
      assertEquals(600, IssuerKeys.maxAge("public, max-age=600"));
      assertEquals(0, IssuerKeys.maxAge("no-cache"));
      assertEquals(IssuerKeys.DEFAULT_REFRESH_SECONDS, IssuerKeys.maxAge(null));
      assertEquals(IssuerKeys.DEFAULT_REFRESH_SECONDS, IssuerKeys.maxAge("max-age=soon"));
      assertEquals(10, IssuerKeys.maxAge("Max-Age=\"10\""));
    }
  }

  private static ECKey keyUnchecked(String kid) {
    try {
      return key(kid);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
