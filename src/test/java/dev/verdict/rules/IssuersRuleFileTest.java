package dev.verdict.rules;

import static dev.verdict.testing.RuleFiles.diagnostics;
import static dev.verdict.testing.RuleFiles.display;
import static dev.verdict.testing.RuleFiles.rendered;
import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.verdict.policy.IdentityConfig;
import dev.verdict.policy.IssuerConfig;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code identity.issuers}: several issuers per package, each with its keys, audience and
 * permission mapping; the single-issuer form stays as it was and compiles to one entry. Mistakes
 * are reported at their {@code file:line:col}.
 */
class IssuersRuleFileTest {

  @TempDir
  Path dir;

  private static final String ROUTES = """
      routes:
        - id: read-orders
          path: /orders/**
          permission: orders:read
      """;

  private String file() {
    return display(dir.resolve("shop.yaml"));
  }

  private IdentityConfig compile(String identity) throws Exception {
    write(dir, "shop.yaml", "package: shop.http\n" + identity + ROUTES);
    return RuleFiles.compile(dir).packageNamed("shop.http").identity();
  }

  private List<String> problems(String identity) throws Exception {
    write(dir, "shop.yaml", "package: shop.http\n" + identity + ROUTES);
    return rendered(diagnostics(dir));
  }

  @Test
  void singleIssuerForm_compilesToOneIssuer_withTheSharedSettingsOnThePackage() throws Exception {
    IdentityConfig id = compile("""
        identity:
          tokens: [bearer]
          algorithms: [HS256]
          secret: ${env:SHOP_SECRET}
          issuer: https://auth.example
          audience: shop
          leeway: 30s
          permissions_claim: scope
          roles_claim: realm_access.roles
          roles: {clerk: [orders:read]}
          required_claims: [jti]
          require_exp: false
        """);
    assertEquals(List.of("bearer"), id.tokens());
    assertEquals(30, id.leewaySeconds());
    assertEquals(Map.of("clerk", List.of("orders:read")), id.roles());
    assertEquals(List.of("jti"), id.requiredClaims());
    assertEquals(false, id.requireExp());
    IssuerConfig only = id.issuers().get(0);
    assertEquals(1, id.issuers().size());
    assertEquals("https://auth.example", only.issuer());
    assertEquals(List.of("HS256"), only.algorithms());
    assertEquals("x".repeat(64), only.hmacSecret());
    assertEquals(List.of("shop"), only.audience());
    assertEquals("scope", only.permissionsClaim());
    assertEquals("realm_access.roles", only.rolesClaim());
  }

  @Test
  void singleIssuerForm_withoutIssuer_checksNoIss() throws Exception {
    IdentityConfig id = compile("""
        identity:
          algorithms: [HS256]
          secret: ${env:SHOP_SECRET}
        """);
    assertNull(id.issuers().get(0).issuer());
  }

  @Test
  void issuersForm_compilesEachIssuerWithItsOwnKeysAndMapping() throws Exception {
    IdentityConfig id = compile("""
        identity:
          leeway: 10s
          issuers:
            - issuer: https://staff.example
              algorithms: [HS512]
              secret: ${env:STAFF_SECRET}
              audience: [shop, admin]
            - issuer: https://partners.example
              algorithms: [RS256]
              jwks: https://partners.example/.well-known/jwks.json
              jwks_refresh_interval: 2m
              permissions_claim: scope
        """);
    assertEquals(10, id.leewaySeconds());
    assertEquals(List.of("https://staff.example", "https://partners.example"),
        id.issuers().stream().map(IssuerConfig::issuer).toList());
    IssuerConfig staff = id.issuers().get(0);
    IssuerConfig partners = id.issuers().get(1);
    assertEquals(List.of("shop", "admin"), staff.audience());
    assertEquals("permissions", staff.permissionsClaim());
    assertNull(staff.jwksUrl());
    assertEquals("https://partners.example/.well-known/jwks.json", partners.jwksUrl());
    assertEquals(120, partners.jwksRefreshIntervalSeconds());
    assertNull(partners.hmacSecret());
    assertEquals("scope", partners.permissionsClaim());
    assertEquals(List.of("HS512", "RS256"), id.algorithms());
  }

  @Test
  void remoteJwks_refreshIntervalDefaultsTo30s() throws Exception {
    IdentityConfig id = compile("""
        identity:
          algorithms: [ES256]
          jwks: https://auth.example/jwks.json
        """);
    assertEquals(30, id.issuers().get(0).jwksRefreshIntervalSeconds());
  }

  @Test
  void bothForms_atOnce_areConflictingKeys_atEachSingleIssuerKey() throws Exception {
    assertEquals(List.of(
        file() + ":3:3: error[conflicting_keys]: `algorithms` cannot sit beside `issuers`: move it into each `issuers` entry",
        file() + ":4:3: error[conflicting_keys]: `issuer` cannot sit beside `issuers`: move it into each `issuers` entry"),
        problems("""
            identity:
              algorithms: [HS256]
              issuer: https://a.example
              issuers:
                - issuer: https://a.example
                  algorithms: [HS256]
                  secret: ${env:A_SECRET}
            """));
  }

  @Test
  void duplicateIssuer_isReported_atTheSecondOne() throws Exception {
    assertEquals(List.of(file() + ":9:15: error[duplicate_issuer]: issuer `https://a.example` is listed twice;"
            + " a token's `iss` must choose exactly one entry"),
        problems("""
            identity:
              issuers:
                - issuer: https://a.example
                  algorithms: [HS256]
                  secret: ${env:A_SECRET}
                - algorithms: [RS256]
                  jwks: https://a.example/jwks.json
                  issuer: https://a.example
            """));
  }

  @Test
  void issuersEntry_withoutIssuer_isMissingKey_atTheEntry() throws Exception {
    assertEquals(List.of(file() + ":7:7: error[missing_key]: missing key `issuer`: each `issuers` entry is chosen"
            + " by the token's `iss`"),
        problems("""
            identity:
              issuers:
                - issuer: https://a.example
                  algorithms: [HS256]
                  secret: ${env:A_SECRET}
                - algorithms: [HS256]
                  secret: ${env:B_SECRET}
            """));
  }

  @Test
  void issuersEntry_checksItsKeysAsTheSingleFormDoes() throws Exception {
    assertEquals(List.of(
        file() + ":4:7: error[missing_key]: missing key `public_key` or `jwks`: signature algorithms need a public key",
        file() + ":6:7: error[unknown_key]: unknown key `leeway`; expected one of `issuer`, `algorithms`, `secret`,"
            + " `public_key`, `jwks`, `jwks_refresh_interval`, `audience`, `permissions_claim`, `roles_claim`"),
        problems("""
            identity:
              issuers:
                - issuer: https://a.example
                  algorithms: [RS256]
                  leeway: 5s
            """));
  }

  @Test
  void emptyIssuers_isEmptyList() throws Exception {
    assertEquals(List.of(file() + ":3:12: error[empty_list]: `issuers` must list at least one issuer"),
        problems("""
            identity:
              issuers: []
            """));
  }

  @Test
  void roles_needARolesClaim_inSomeIssuer() throws Exception {
    assertEquals(List.of(file() + ":3:3: error[missing_key]: `roles` needs `roles_claim` in at least one `issuers`"
            + " entry: the claim that lists the token's roles"),
        problems("""
            identity:
              roles: {clerk: [orders:read]}
              issuers:
                - issuer: https://a.example
                  algorithms: [HS256]
                  secret: ${env:A_SECRET}
            """));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://auth.example/jwks.json", "http://127.0.0.1.evil.example/jwks.json",
      "http://10.0.0.8:8080/jwks.json", "HTTP://auth.example/jwks"})
  void plainHttpJwks_toAnythingButLoopback_isInsecure(String url) throws Exception {
    assertEquals(List.of(file() + ":4:9: error[insecure_jwks_url]: `jwks` url `" + url + "` must use `https://`;"
            + " plain `http://` is allowed only for `127.0.0.1` or `localhost`"),
        problems("""
            identity:
              algorithms: [RS256]
              jwks: URL
            """.replace("URL", url)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080/jwks.json", "http://localhost/keys", "http://[::1]:9000/jwks",
      "https://auth.example/.well-known/jwks.json"})
  void httpsJwks_andPlainHttpToLoopback_areAccepted(String url) throws Exception {
    assertEquals(url, compile("""
        identity:
          algorithms: [RS256]
          jwks: URL
        """.replace("URL", url)).issuers().get(0).jwksUrl());
  }

  @Test
  void jwksUrl_withUserInfo_isInvalid() throws Exception {
    assertEquals(List.of(file() + ":4:9: error[invalid_jwks_url]: `jwks` url `https://localhost@evil.example/jwks`"
            + " needs a host, and no user info or fragment"),
        problems("""
            identity:
              algorithms: [RS256]
              jwks: https://localhost@evil.example/jwks
            """));
  }

  @Test
  void otherJwksSchemes_areUnsupported() throws Exception {
    assertEquals(List.of(file() + ":4:9: error[unsupported_jwks_source]: `jwks` must be `file:PATH` or an"
            + " `https://` url, not `ftp://auth.example/jwks`"),
        problems("""
            identity:
              algorithms: [RS256]
              jwks: ftp://auth.example/jwks
            """));
  }

  @Test
  void refreshInterval_withoutAJwksUrl_isUnused_andBelowOneSecond_isInvalid() throws Exception {
    assertEquals(List.of(file() + ":5:26: error[unused_key]: `jwks_refresh_interval` is set but `jwks` is not a url;"
            + " a jwks file is read once, at load"),
        problems("""
            identity:
              algorithms: [HS256]
              secret: ${env:A_SECRET}
              jwks_refresh_interval: 10s
            """));
    assertEquals(List.of(file() + ":5:26: error[invalid_duration]: `jwks_refresh_interval` must be at least `1s`,"
            + " so unknown `kid`s cannot make every request fetch keys"),
        problems("""
            identity:
              algorithms: [RS256]
              jwks: https://auth.example/jwks
              jwks_refresh_interval: 500ms
            """));
  }
}
