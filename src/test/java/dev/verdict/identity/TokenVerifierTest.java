package dev.verdict.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.verdict.Identity;
import dev.verdict.SourceLocation;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token verification against the known JWT attack classes and claim rules. Tokens are minted by
 * nimbus-jose-jwt; the clock is injected so expiry and caching are tested without sleeping.
 */
@ExtendWith(VertxExtension.class)
class TokenVerifierTest {

  private static final String SECRET = "verifier-test-secret-0123456789abcdef-0123456789abcdef";
  private static final String ISS = "https://idp.example";
  private static final String AUD = "api";
  private static final long NOW = 1_800_000_000L;

  private final AtomicLong clock = new AtomicLong(NOW);
  private final InMemoryRevocationList revocations = RevocationList.inMemory();
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    clock.set(NOW);
  }

  private static IdentityConfig config(boolean requireExp, List<String> requiredClaims, String rolesClaim,
                                       Map<String, List<String>> roles, String permissionsClaim) {
    return IdentityConfig.single(SourceLocation.of("test"), List.of("bearer"), 30, roles, requiredClaims, requireExp,
        new IssuerConfig(SourceLocation.of("test"), ISS, List.of("HS256"), SECRET, null, List.of(), null, 30,
            List.of(AUD), permissionsClaim, rolesClaim));
  }

  private static IdentityConfig config() {
    return config(true, List.of(), null, Map.of(), "permissions");
  }

  private TokenVerifier verifier(IdentityConfig config) {
    return TokenVerifier.create(vertx, config, new TokenVerifier.Options(revocations, clock::get, 100));
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().subject("ann").issuer(ISS).audience(AUD).issueTime(new Date(NOW * 1000))
        .expirationTime(new Date((NOW + 300) * 1000)).claim("permissions", List.of("read"));
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWTClaimsSet claims) {
    return sign(new JWSHeader(JWSAlgorithm.HS256), claims);
  }

  private Identity verify(TokenVerifier v, String token) {
    return v.verifyToken(token).await();
  }

  private void assertInvalid(String token, String reasonPart) {
    Identity id = verify(verifier(config()), token);
    assertEquals(Identity.Status.INVALID, id.status(), () -> "accepted: " + id);
    assertTrue(id.failure().contains(reasonPart), id.failure());
  }

  @Test
  void validToken_isVerified_withSubjectPermissionsAndClaims() {
    Identity id = verify(verifier(config()), sign(claims().claim("bots", List.of("b1")).build()));
    assertEquals(Identity.Status.VERIFIED, id.status(), id::failure);
    assertEquals("ann", id.subject());
    assertEquals(Set.of("read"), id.permissions());
    assertEquals(List.of("b1"), id.claims().get("bots"));
  }

  @Nested
  class TokensThatNameTheirOwnKeys {
    @Test
    void jkuHeader_isRefused() throws Exception {
      assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).jwkURL(new URI("https://evil.example/jwks")).build(),
          claims().build()), "`jku`");
    }

    @Test
    void x5uHeader_isRefused() throws Exception {
      assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).x509CertURL(new URI("https://evil.example/cert"))
          .build(), claims().build()), "`x5u`");
    }

    @Test
    void embeddedJwkHeader_isRefused() throws Exception {
      var key = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK();
      assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).jwk(key).build(), claims().build()), "`jwk`");
    }

    @Test
    void x5cHeader_isRefused() {
      assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.HS256)
          .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode("not a cert"))).build(), claims().build()), "`x5c`");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "..\\..\\keys", "/dev/null", "' OR '1'='1", "key\"; DROP TABLE keys;--",
      "k\u0000id", "${jndi:ldap://x}"})
  void kidThatIsNotAPlainKeyId_isRefused(String kid) {
    assertInvalid(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims().build()), "`kid`");
  }

  @Test
  void plainKid_isAccepted() {
    Identity id = verify(verifier(config()), sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("2024-rot_1.a:b")
        .type(JOSEObjectType.JWT).build(), claims().build()));
    assertEquals(Identity.Status.VERIFIED, id.status(), id::failure);
  }

  @Test
  void algorithmNotOnTheList_isRefusedFromTheHeader() {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims().build());
      jwt.sign(new MACSigner((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)));
      assertInvalid(jwt.serialize(), "algorithm `HS512` is not allowed");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void algNone_isRefused() {
    assertInvalid(new com.nimbusds.jwt.PlainJWT(claims().build()).serialize(), "algorithm `none` is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "a.b", "a.b.c", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
      "bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln", "eyJhbGciOiJIUzI1NiJ9..", "...."})
  void malformedTokens_areRefusedCleanly(String token) {
    Identity id = verify(verifier(config()), token);
    assertEquals(Identity.Status.INVALID, id.status());
  }

  @Test
  void oversizedToken_isRefusedBeforeParsing() {
    assertInvalid(sign(claims().claim("padding", "x".repeat(9000)).build()), "larger than");
  }

  @Nested
  class Claims {
    @Test
    void missingExp_isRefusedByDefault() {
      assertInvalid(sign(claims().expirationTime(null).build()), "no `exp`");
    }

    @Test
    void missingExp_isAccepted_whenThePackageAllowsIt_butNeverCached() {
      TokenVerifier v = verifier(config(false, List.of(), null, Map.of(), "permissions"));
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().expirationTime(null).build())).status());
      assertEquals(0, v.cachedTokens());
    }

    @Test
    void expAsAString_isRefused() {
      assertInvalid(sign(claims().expirationTime(null).claim("exp", String.valueOf(NOW + 300)).build()), "`exp` is not a number");
    }

    @Test
    void expiredBeyondLeeway_isRefused_withinLeeway_isAccepted() {
      TokenVerifier v = verifier(config());
      clock.set(NOW + 300 + 29);
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().build())).status());
      clock.set(NOW + 300 + 31);
      assertEquals(Identity.Status.INVALID, verify(v, sign(claims().jwtID("fresh-copy").build())).status());
    }

    @Test
    void nbfInTheFuture_isRefused() {
      assertInvalid(sign(claims().notBeforeTime(new Date((NOW + 3600) * 1000)).build()), "not valid yet");
    }

    @Test
    void iatInTheFuture_isRefused() {
      assertInvalid(sign(claims().issueTime(new Date((NOW + 3600) * 1000)).build()), "`iat` is in the future");
    }

    @Test
    void authTimeInTheFuture_isRefused_justWithinLeeway_isAccepted() {
      assertInvalid(sign(claims().claim("auth_time", NOW + 3600).build()), "`auth_time` is in the future");
      assertInvalid(sign(claims().claim("auth_time", 99_999_999_999L).build()), "`auth_time` is in the future");
      TokenVerifier v = verifier(config());
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().claim("auth_time", NOW + 29).build())).status());
    }

    @Test
    void authTimeAsAStringOrBoolean_isRefused() {
      assertInvalid(sign(claims().claim("auth_time", String.valueOf(NOW)).build()), "`auth_time` is not a number");
      assertInvalid(sign(claims().claim("auth_time", true).build()), "`auth_time` is not a number");
    }

    /** Times that would make `now - token.auth_time` (or `- token.iat`) wrap around to "recent". */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"auth_time", "iat", "nbf", "exp"})
    void negativeOrHugeTimes_areRefused(String claim) {
      assertInvalid(sign(claims().claim(claim, Long.MIN_VALUE).build()), "`" + claim + "` is not a valid time");
      assertInvalid(sign(claims().claim(claim, -1).build()), "`" + claim + "` is not a valid time");
      assertInvalid(sign(claims().claim(claim, 1e300).build()), "`" + claim + "` is not a valid time");
    }

    @Test
    void audienceArray_containingOurs_isAccepted_withoutIt_isRefused() {
      TokenVerifier v = verifier(config());
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().audience(List.of("other", AUD)).build())).status());
      assertEquals(Identity.Status.INVALID, verify(v, sign(claims().audience(List.of("other", "more")).build())).status());
    }

    @Test
    void issuerMustMatchExactly() {
      assertInvalid(sign(claims().issuer(ISS + "/").build()), "issuer");
    }

    @Test
    void requiredClaims_mustBePresent() {
      TokenVerifier v = verifier(config(true, List.of("jti", "tenant"), null, Map.of(), "permissions"));
      assertEquals(Identity.Status.INVALID, verify(v, sign(claims().jwtID("j1").build())).status());
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().jwtID("j1").claim("tenant", "t").build())).status());
    }
  }

  @Nested
  class Permissions {
    @Test
    void scopeString_isSplitOnSpaces() {
      TokenVerifier v = verifier(config(true, List.of(), null, Map.of(), "scope"));
      assertEquals(Set.of("read", "write"), verify(v, sign(claims().claim("scope", "read  write").build())).permissions());
    }

    @Test
    void nestedClaimPath_isFollowed() {
      TokenVerifier v = verifier(config(true, List.of(), null, Map.of(), "authz.permissions"));
      Identity id = verify(v, sign(claims().claim("authz", Map.of("permissions", List.of("deep"))).build()));
      assertEquals(Set.of("deep"), id.permissions());
    }

    @Test
    void rolesFromANestedClaim_expandToThePermissionsTheRulesGrant() {
      TokenVerifier v = verifier(config(true, List.of(), "realm_access.roles",
          Map.of("editor", List.of("docs:read", "docs:write"), "viewer", List.of("docs:read")), "permissions"));
      Identity id = verify(v, sign(claims().claim("realm_access", Map.of("roles", List.of("editor", "unknown-role")))
          .build()));
      assertEquals(Set.of("read", "docs:read", "docs:write"), id.permissions());
    }
  }

  @Nested
  class Cache {
    @Test
    void verifiedToken_isCached_andServedAgain() {
      TokenVerifier v = verifier(config());
      String token = sign(claims().build());
      assertEquals(Identity.Status.VERIFIED, verify(v, token).status());
      assertEquals(1, v.cachedTokens());
      assertEquals(Identity.Status.VERIFIED, verify(v, token).status());
      assertEquals(1, v.cachedTokens());
    }

    @Test
    void invalidTokens_areNeverCached() {
      TokenVerifier v = verifier(config());
      verify(v, sign(claims().issuer("https://other").build()));
      verify(v, sign(claims().build()) + "x");
      verify(v, "garbage");
      assertEquals(0, v.cachedTokens());
    }

    @Test
    void aTokenSharingACachedTokensSignature_butNotItsPayload_isNotServedFromTheCache() {
      TokenVerifier v = verifier(config());
      String token = sign(claims().build());
      assertEquals(Identity.Status.VERIFIED, verify(v, token).status());
      String[] parts = token.split("\\.");
      String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          ("{\"sub\":\"ann\",\"iss\":\"" + ISS + "\",\"aud\":\"" + AUD + "\",\"exp\":" + (NOW + 300)
              + ",\"permissions\":[\"admin\"]}").getBytes(StandardCharsets.UTF_8));
      String forged = parts[0] + "." + forgedPayload + "." + parts[2]; // same tail, so the same cache hash
      Identity id = verify(v, forged);
      assertEquals(Identity.Status.INVALID, id.status(), () -> "served: " + id);
      assertEquals(1, v.cachedTokens());
    }

    @Test
    void cachedToken_pastItsExpiry_isRefused_notServedFromTheCache() {
      TokenVerifier v = verifier(config());
      String token = sign(claims().build());
      assertEquals(Identity.Status.VERIFIED, verify(v, token).status());
      clock.set(NOW + 300 + 31);
      assertEquals(Identity.Status.INVALID, verify(v, token).status());
    }

    @Test
    void tokenSignedByAKeyThatWasReplaced_isRefused_evenThoughItWasCachedBefore() {
      IdentityVerifiers verifiers = IdentityVerifiers.create(vertx, new TokenVerifier.Options(revocations, clock::get, 100));
      String token = sign(claims().build());
      IdentityConfig before = config();
      assertEquals(Identity.Status.VERIFIED, verifiers.forConfig(before).verifyToken(token).await().status());
      IdentityConfig rotated = before.withIssuers(List.of(before.issuers().get(0).withKeys(List.of("HS256"),
          "rotated-secret-0123456789abcdef-0123456789abcdef", null, List.of())));
      assertEquals(Identity.Status.INVALID, verifiers.forConfig(rotated).verifyToken(token).await().status());
    }
  }

  @Nested
  class Revocation {
    @Test
    void revokedJti_isRefused_evenWhenCached() {
      TokenVerifier v = verifier(config());
      String token = sign(claims().jwtID("t-1").build());
      assertEquals(Identity.Status.VERIFIED, verify(v, token).status());
      revocations.revokeToken("t-1");
      Identity id = verify(v, token);
      assertEquals(Identity.Status.INVALID, id.status());
      assertEquals("token has been revoked", id.failure());
    }

    @Test
    void sessionsRevokedAtT_refuseTokensIssuedBeforeT_butNotAfter() {
      TokenVerifier v = verifier(config());
      String old = sign(claims().issueTime(new Date((NOW - 60) * 1000)).build());
      String fresh = sign(claims().issueTime(new Date((NOW + 10) * 1000)).build());
      assertEquals(Identity.Status.VERIFIED, verify(v, old).status());
      revocations.revokeSessions("ann", NOW);
      assertEquals(Identity.Status.INVALID, verify(v, old).status());
      assertEquals(Identity.Status.VERIFIED, verify(v, fresh).status());
    }

    @Test
    void tokenIssuedInTheSecondOfTheRevocation_isRefused() {
      TokenVerifier v = verifier(config());
      String sameSecond = sign(claims().issueTime(new Date(NOW * 1000)).build());
      assertEquals(Identity.Status.VERIFIED, verify(v, sameSecond).status());
      revocations.revokeSessions("ann", NOW);
      assertEquals(Identity.Status.INVALID, verify(v, sameSecond).status(), "it may predate the revocation");
      assertEquals(Identity.Status.VERIFIED, verify(v, sign(claims().issueTime(new Date((NOW + 1) * 1000)).build()))
          .status());
    }

    @Test
    void tokenWithoutIat_cannotProveItIsNewerThanARevocation() {
      TokenVerifier v = verifier(config());
      revocations.revokeSessions("ann", NOW - 1000);
      assertEquals(Identity.Status.INVALID, verify(v, sign(claims().issueTime(null).build())).status());
    }

    @Test
    void otherSubjects_areUnaffected() {
      revocations.revokeSessions("bob", NOW + 1000);
      assertEquals(Identity.Status.VERIFIED, verify(verifier(config()), sign(claims().build())).status());
    }
  }

}
