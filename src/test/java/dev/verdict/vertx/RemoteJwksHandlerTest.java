package dev.verdict.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.JwksServer;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package with two issuers, one of them keyed by a remote JWKS on 127.0.0.1, protecting a real
 * Vert.x server through {@link VerdictHandler}: the first request waits for the first fetch (off
 * the event loop's back, on the request's own context), and each issuer's tokens verify with its
 * own keys only.
 */
@ExtendWith(VertxExtension.class)
class RemoteJwksHandlerTest {

  private static final String SECRET = "staff-secret-0123456789abcdef-0123456789abcdef-0123";

  private JwksServer idp;
  private ECKey partnerKey;
  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path rules) throws Exception {
    partnerKey = new ECKeyGenerator(Curve.P_256).keyID("partner-1").generate();
    idp = JwksServer.start(vertx).publish(partnerKey).hold(); // the first fetch waits for the first request
    Files.writeString(rules.resolve("shop.yaml"), """
        package: shop.http
        identity:
          tokens: [bearer]
          issuers:
            - issuer: https://staff.example
              algorithms: [HS256]
              secret: ${env:STAFF_SECRET}
            - issuer: https://partners.example
              algorithms: [ES256]
              jwks: JWKS_URL
              permissions_claim: scope
        routes:
          - id: orders
            path: /orders
            permission: orders:read
        """.replace("JWKS_URL", idp.url()));
    Verdict verdict = Verdict.fromDirectory(rules, Map.of("STAFF_SECRET", SECRET)::get);
    Router router = Router.router(vertx);
    router.route("/orders").handler(VerdictHandler.create(vertx, verdict, "shop.http"));
    router.route().handler(ctx -> ctx.json(new JsonObject().put("ok", true)));
    port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    client = WebClient.create(vertx);
  }

  private static JWTClaimsSet.Builder claims(String issuer) {
    return new JWTClaimsSet.Builder().subject("bob").issuer(issuer).issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private int status(String token) {
    return client.get(port, "127.0.0.1", "/orders").bearerTokenAuthentication(token).send().await().statusCode();
  }

  @Test
  void partnerToken_waitsForTheFirstJwksFetch_thenIsAllowed_andStaffTokensUseTheSecret() {
    var pending = client.get(port, "127.0.0.1", "/orders")
        .bearerTokenAuthentication(TestTokens.es256(partnerKey, claims("https://partners.example")
            .claim("scope", "orders:read").build()))
        .send();
    // The request reaches the handler (and the verifier starts fetching) before the JWKS answers.
    idp.requested().onComplete(v -> idp.release());
    assertEquals(200, pending.await().statusCode());
    assertEquals(1, idp.requests());

    assertEquals(200, status(TestTokens.hs256(SECRET, claims("https://staff.example")
        .claim("permissions", List.of("orders:read")).build())));
    assertEquals(403, status(TestTokens.es256(partnerKey, claims("https://partners.example")
        .claim("scope", "profile").build())));
  }

  @Test
  void tokenNamingOneIssuer_signedWithTheOthersKey_isUnauthorized() throws Exception {
    idp.release();
    // Partner claims, HMAC-signed with the staff secret: the partner issuer allows only ES256.
    assertEquals(401, status(TestTokens.hs256(SECRET, claims("https://partners.example")
        .claim("scope", "orders:read").build())));
    // Staff claims, signed by the partner's EC key: the staff issuer allows only HS256.
    assertEquals(401, status(TestTokens.es256(partnerKey, claims("https://staff.example")
        .claim("permissions", List.of("orders:read")).build())));
    // A partner token from a key the JWKS does not publish.
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("partner-1").generate();
    assertEquals(401, status(TestTokens.es256(stranger, claims("https://partners.example")
        .claim("scope", "orders:read").build())));
  }
}
