package dev.verdict.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.verdict.Identity;
import dev.verdict.SourceLocation;
import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several issuers in one package: the token's {@code iss} chooses the issuer, and only that
 * issuer's keys, algorithms, audience and permission mapping apply. Tokens are minted by
 * nimbus-jose-jwt; the clock is injected.
 */
@ExtendWith(VertxExtension.class)
class MultiIssuerTest {

  private static final long NOW = 1_800_000_000L;
  private static final String STAFF = "https://staff.example";
  private static final String PARTNERS = "https://partners.example";
  private static final String DEVICES = "https://devices.example";
  private static final String STAFF_SECRET = "staff-secret-0123456789abcdef-0123456789abcdef-0123";
  private static final String PARTNER_SECRET = "partner-secret-0123456789abcdef-0123456789abcdef-01";

  private final KeyPair devicesKey = TestTokens.rsaKeyPair();
  private TokenVerifier verifier;

  @BeforeEach
  void setUp(Vertx vertx) {
    SourceLocation at = SourceLocation.of("test");
    IdentityConfig config = new IdentityConfig(at, List.of("bearer"), 30,
        Map.of("editor", List.of("docs:read", "docs:write")), List.of(), true, List.of(
            new IssuerConfig(at, STAFF, List.of("HS256"), STAFF_SECRET, null, List.of(), null, 30,
                List.of("staff-api"), "permissions", "realm_access.roles"),
            new IssuerConfig(at, PARTNERS, List.of("HS256"), PARTNER_SECRET, null, List.of(), null, 30,
                List.of("partner-api"), "scope", null),
            new IssuerConfig(at, DEVICES, List.of("RS256"), null, TestTokens.pem(devicesKey.getPublic()), List.of(),
                null, 30, List.of(), "permissions", null)));
    verifier = TokenVerifier.create(vertx, config,
        new TokenVerifier.Options(RevocationList.none(), () -> NOW, 100));
  }

  private static JWTClaimsSet.Builder claims(String issuer, String audience) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject("ann").issuer(issuer)
        .issueTime(new Date(NOW * 1000)).expirationTime(new Date((NOW + 300) * 1000));
    return audience == null ? b : b.audience(audience);
  }

  private static String hs256(String secret, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Identity verify(String token) {
    return verifier.verifyToken(token).await();
  }

  private void assertRefused(String token, String reasonPart) {
    Identity id = verify(token);
    assertEquals(Identity.Status.INVALID, id.status(), () -> "accepted: " + id);
    assertTrue(id.failure().contains(reasonPart), id.failure());
  }

  @Test
  void eachIssuersToken_isVerifiedWithItsOwnKeys_andMappedWithItsOwnClaims() {
    Identity staff = verify(hs256(STAFF_SECRET, claims(STAFF, "staff-api")
        .claim("permissions", List.of("hr:read")).claim("realm_access", Map.of("roles", List.of("editor"))).build()));
    assertEquals(Identity.Status.VERIFIED, staff.status(), staff::failure);
    assertEquals(Set.of("hr:read", "docs:read", "docs:write"), staff.permissions());

    Identity partner = verify(hs256(PARTNER_SECRET, claims(PARTNERS, "partner-api")
        .claim("scope", "orders:read orders:list").claim("realm_access", Map.of("roles", List.of("editor"))).build()));
    assertEquals(Identity.Status.VERIFIED, partner.status(), partner::failure);
    // Partners have no roles_claim: the shared roles map grants them nothing.
    assertEquals(Set.of("orders:read", "orders:list"), partner.permissions());

    Identity device = verify(TestTokens.rs256(devicesKey, claims(DEVICES, null)
        .claim("permissions", List.of("telemetry:write")).build()));
    assertEquals(Identity.Status.VERIFIED, device.status(), device::failure);
    assertEquals(Set.of("telemetry:write"), device.permissions());
  }

  @Test
  void tokenClaimingOneIssuer_signedWithAnotherIssuersKey_isRefused() {
    assertRefused(hs256(PARTNER_SECRET, claims(STAFF, "staff-api").build()), "Signature verification failed");
    assertRefused(hs256(STAFF_SECRET, claims(PARTNERS, "partner-api").build()), "Signature verification failed");
  }

  @Test
  void tokenClaimingAnHmacIssuer_signedWithAnotherIssuersRsaKey_isRefusedByThatIssuersAlgorithms() {
    assertRefused(TestTokens.rs256(devicesKey, claims(STAFF, "staff-api").build()),
        "algorithm `RS256` is not allowed for issuer `" + STAFF + "`");
  }

  @Test
  void algorithmConfusion_hmacWithTheRsaIssuersPublicKeyAsSecret_isRefused() {
    String publicPem = TestTokens.pem(devicesKey.getPublic());
    assertRefused(hs256(publicPem, claims(DEVICES, null).build()),
        "algorithm `HS256` is not allowed for issuer `" + DEVICES + "`");
  }

  @Test
  void audience_isThatOfTheChosenIssuer() {
    assertRefused(hs256(PARTNER_SECRET, claims(PARTNERS, "staff-api").build()), "audience");
  }

  @Test
  void unknownIssuer_isRefused_withoutTryingAnyKey() {
    assertRefused(hs256(STAFF_SECRET, claims("https://evil.example", "staff-api").build()),
        "issuer `https://evil.example` is not trusted here");
  }

  @Test
  void issuerThatDiffersOnlyByATrailingSlash_isUnknown() {
    assertRefused(hs256(STAFF_SECRET, claims(STAFF + "/", "staff-api").build()), "is not trusted here");
  }

  @Test
  void missingOrNonStringIss_isRefused() {
    assertRefused(hs256(STAFF_SECRET, claims(null, "staff-api").build()), "token has no `iss`");
    assertRefused(hs256(STAFF_SECRET, claims(null, "staff-api").claim("iss", List.of(STAFF)).build()),
        "is not trusted here");
  }

  @Test
  void aCachedTokenOfOneIssuer_doesNotVouchForAnother() {
    String staff = hs256(STAFF_SECRET, claims(STAFF, "staff-api").build());
    assertEquals(Identity.Status.VERIFIED, verify(staff).status());
    assertEquals(Identity.Status.VERIFIED, verify(staff).status());
    assertEquals(1, verifier.cachedTokens());
    assertRefused(hs256(STAFF_SECRET, claims(PARTNERS, "partner-api").build()), "Signature verification failed");
  }
}
