package dev.verdict.policytest;

import dev.verdict.policy.IdentityConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs test tokens for one package with a fresh key of an algorithm the package allows, and
 * describes the package's identity settings with that key in place of the real one. Policy tests
 * thus run the real verification (algorithm allow-list, issuer, audience, expiry, permission claim)
 * without the production secret or private key.
 */
final class TestSigner {

  private final String algorithm;
  private final IdentityConfig config;
  private final JWTAuth signer;

  private TestSigner(String algorithm, IdentityConfig config, JWTAuth signer) {
    this.algorithm = algorithm;
    this.config = config;
    this.signer = signer;
  }

  static TestSigner create(Vertx vertx, IdentityConfig real) throws GeneralSecurityException {
    String alg = real.algorithms().get(0);
    String secret = null;
    String publicPem = null;
    String signingKey;
    if (alg.startsWith("HS")) {
      byte[] bytes = new byte[64];
      new SecureRandom().nextBytes(bytes);
      secret = HexFormat.of().formatHex(bytes);
      signingKey = secret;
    } else {
      KeyPair pair = generate(alg);
      publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
      signingKey = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }
    IdentityConfig test = real.withKeys(List.of(alg), secret, publicPem, List.of());
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(signingKey)));
    return new TestSigner(alg, test, signer);
  }

  private static KeyPair generate(String alg) throws GeneralSecurityException {
    KeyPairGenerator g;
    if (alg.startsWith("RS") || alg.startsWith("PS")) {
      g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
    } else if (alg.startsWith("ES")) {
      g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(switch (alg) {
        case "ES384" -> "secp384r1";
        case "ES512" -> "secp521r1";
        default -> "secp256r1";
      }));
    } else {
      g = KeyPairGenerator.getInstance("Ed25519");
    }
    return g.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** The package's identity settings with the test key; verifies what {@link #sign} produces. */
  IdentityConfig config() {
    return config;
  }

  /**
   * Signs {@code claims}, adding the package's issuer, first audience, and a five-minute expiry
   * unless the case sets them itself (so a case can test a wrong issuer or an expired token).
   */
  String sign(JsonObject claims, long nowSeconds) {
    JsonObject payload = claims.copy();
    if (!payload.containsKey("iss") && config.issuer() != null) payload.put("iss", config.issuer());
    if (!payload.containsKey("aud") && !config.audience().isEmpty()) payload.put("aud", config.audience().get(0));
    if (!payload.containsKey("exp")) payload.put("exp", nowSeconds + 300);
    boolean ownIat = payload.containsKey("iat");
    return signer.generateToken(payload, new JWTOptions().setAlgorithm(algorithm).setNoTimestamp(ownIat));
  }
}
