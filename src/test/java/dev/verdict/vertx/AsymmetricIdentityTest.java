package dev.verdict.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RS256 with a PEM public key and ES256 with a JWKS file, each verified through the handler in a
 * real Vert.x server; plus algorithm confusion: an HS256 token "signed" with the RSA public key.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsymmetricIdentityTest {

  private final KeyPair rsa = TestTokens.rsaKeyPair();
  private ECKey ec;
  private WebClient client;
  private int port;

  @BeforeAll
  void start(Vertx vertx, @TempDir Path rules) throws Exception {
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    Files.createDirectories(rules.resolve("keys"));
    Files.writeString(rules.resolve("keys/rsa.pem"), TestTokens.pem(rsa.getPublic()));
    Files.writeString(rules.resolve("keys/jwks.json"), new JWKSet(ec.toPublicJWK()).toString());
    Files.writeString(rules.resolve("rsa.yaml"), """
        package: shop.rsa
        identity:
          tokens: [bearer]
          algorithms: [RS256]
          public_key: file:keys/rsa.pem
          issuer: https://idp.example
          audience: [shop]
        routes:
          - id: orders
            path: /rsa/orders
            permission: orders:read
        """);
    Files.writeString(rules.resolve("ec.yaml"), """
        package: shop.ec
        identity:
          tokens: [bearer]
          algorithms: [ES256]
          jwks: file:keys/jwks.json
          issuer: https://idp.example
          permissions_claim: scope
        routes:
          - id: orders
            path: /ec/orders
            permission: orders:read
        """);
    Verdict verdict = Verdict.fromDirectory(rules, Map.<String, String>of()::get);
    Router router = Router.router(vertx);
    router.route("/rsa/*").handler(VerdictHandler.create(vertx, verdict, "shop.rsa"));
    router.route("/ec/*").handler(VerdictHandler.create(vertx, verdict, "shop.ec"));
    router.route().handler(ctx -> ctx.json(new JsonObject().put("ok", true)));
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    client = WebClient.create(vertx);
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().subject("bob").issuer("https://idp.example").audience("shop")
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private int status(String path, String token) {
    HttpResponse<Buffer> r = client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send().await();
    return r.statusCode();
  }

  @Test
  void rs256_withPemKey_isVerified() {
    assertEquals(200, status("/rsa/orders", TestTokens.rs256(rsa, claims().claim("permissions", List.of("orders:read")).build())));
  }

  @Test
  void rs256_signedByAnotherKey_isInvalid() {
    KeyPair other = TestTokens.rsaKeyPair();
    assertEquals(401, status("/rsa/orders", TestTokens.rs256(other, claims().claim("permissions", List.of("orders:read")).build())));
  }

  @Test
  void algorithmConfusion_hs256SignedWithThePublicKey_isInvalid() {
    String publicPem = TestTokens.pem(rsa.getPublic());
    String forged = TestTokens.hs256(publicPem, claims().claim("permissions", List.of("orders:read")).build());
    assertEquals(401, status("/rsa/orders", forged));
  }

  @Test
  void es256_fromJwks_withScopePermissions_isVerified() {
    assertEquals(200, status("/ec/orders", TestTokens.es256(ec, claims().claim("scope", "profile orders:read").build())));
  }

  @Test
  void es256_scopeWithoutThePermission_isForbidden() {
    assertEquals(403, status("/ec/orders", TestTokens.es256(ec, claims().claim("scope", "profile").build())));
  }

  @Test
  void es256_keyNotInJwks_isInvalid() throws Exception {
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    assertEquals(401, status("/ec/orders", TestTokens.es256(stranger, claims().claim("scope", "orders:read").build())));
  }
}
