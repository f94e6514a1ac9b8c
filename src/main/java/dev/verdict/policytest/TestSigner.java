package dev.verdict.policytest;

import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs test tokens for one package with a fresh key per issuer, of an algorithm that issuer
 * allows, and describes the package's identity settings with those keys in place of the real
 * ones (a remote JWKS included, so policy tests never touch the network). Policy tests thus run
 * the real verification (issuer choice, algorithm allow-list, audience, expiry, permission claim)
 * without the production secret or private key.
 */
final class TestSigner {

  /** One issuer's throwaway key. */
  private record Entry(IssuerConfig issuer, String algorithm, JWTAuth signer) {}

  private final IdentityConfig config;
  private final List<Entry> entries;

  private TestSigner(IdentityConfig config, List<Entry> entries) {
    this.config = config;
    this.entries = entries;
  }

  static TestSigner create(Vertx vertx, IdentityConfig real) throws GeneralSecurityException {
    List<Entry> entries = new ArrayList<>();
    for (IssuerConfig issuer : real.issuers()) entries.add(entry(vertx, issuer));
    return new TestSigner(real.withIssuers(entries.stream().map(Entry::issuer).toList()), entries);
  }

  private static Entry entry(Vertx vertx, IssuerConfig real) throws GeneralSecurityException {
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
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(signingKey)));
    return new Entry(real.withKeys(List.of(alg), secret, publicPem, List.of()), alg, signer);
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

  /** The package's identity settings with the test keys; verifies what {@link #sign} produces. */
  IdentityConfig config() {
    return config;
  }

  /**
   * Signs {@code claims} with the key of the issuer their {@code iss} names, or of the first issuer
   * when {@code iss} names none (so a case can test an unknown issuer); adds that issuer's
   * {@code iss}, first audience, an {@code iat} of {@code nowSeconds} and a five-minute expiry unless
   * the case sets them itself (so a case can test a wrong audience or an expired token).
   */
  String sign(JsonObject claims, long nowSeconds) {
    Object iss = claims.getValue("iss");
    Entry entry = entries.stream().filter(e -> iss != null && iss.equals(e.issuer().issuer())).findFirst()
        .orElse(entries.get(0));
    IssuerConfig issuer = entry.issuer();
    JsonObject payload = claims.copy();
    if (!payload.containsKey("iss") && issuer.issuer() != null) payload.put("iss", issuer.issuer());
    if (!payload.containsKey("aud") && !issuer.audience().isEmpty()) payload.put("aud", issuer.audience().get(0));
    if (!payload.containsKey("exp")) payload.put("exp", nowSeconds + 300);
    // The case's time, not the signer's wall clock: a case set in the past must not carry a future `iat`.
    if (!payload.containsKey("iat")) payload.put("iat", nowSeconds);
    return entry.signer().generateToken(payload, new JWTOptions().setAlgorithm(entry.algorithm()).setNoTimestamp(true));
  }
}
