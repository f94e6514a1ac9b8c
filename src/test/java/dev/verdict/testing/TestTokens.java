package dev.verdict.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Mints test tokens with nimbus-jose-jwt, a JOSE library independent of the code under test, so a
 * bug in Verdict's verification cannot be mirrored by the same bug in how tests sign.
 */
public final class TestTokens {

  public static final String MOLTBOT_ISSUER = "https://auth.moltbot.example";
  public static final String MOLTBOT_AUDIENCE = "moltbot-api";
  /** The HS256 secret tests hand to the Moltbot policy as VERDICT_JWT_SECRET. */
  public static final String MOLTBOT_SECRET = "test-secret-for-moltbot-0123456789abcdef-0123456789";

  private TestTokens() {}

  /** Claims valid for the Moltbot policy: its issuer and audience, five minutes to live. */
  public static JWTClaimsSet.Builder moltbotClaims(String subject, String... permissions) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .issuer(MOLTBOT_ISSUER)
        .audience(MOLTBOT_AUDIENCE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("permissions", List.of(permissions));
  }

  /**
   * Claims valid for the Moltbot policy at {@code now} (not the wall clock): for a PDP with an
   * injected clock. {@code iat} is a minute before, {@code exp} five minutes after.
   */
  public static JWTClaimsSet.Builder moltbotClaimsAt(Instant now, String subject, String... permissions) {
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .issuer(MOLTBOT_ISSUER)
        .audience(MOLTBOT_AUDIENCE)
        .issueTime(Date.from(now.minusSeconds(60)))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("permissions", List.of(permissions));
  }

  public static String hs256(String secret, JWTClaimsSet claims) {
    return hmac(JWSAlgorithm.HS256, secret, claims);
  }

  public static String hmac(JWSAlgorithm alg, String secret, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String rs256(KeyPair keys, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
      jwt.sign(new RSASSASigner(keys.getPrivate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String es256(ECKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), as an attacker would send it. */
  public static String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
