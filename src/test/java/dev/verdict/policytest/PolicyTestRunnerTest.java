package dev.verdict.policytest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.rules.PolicyTestReader;
import dev.verdict.testing.RuleFiles;
import dev.verdict.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The policy-test runner on rule sets written by the tests: failures, coverage, key types. */
@ExtendWith(VertxExtension.class)
class PolicyTestRunnerTest {

  @TempDir
  Path dir;

  private static final String ES256_SHOP = """
      package: shop.http
      identity:
        tokens: [cookie:session]
        algorithms: [ES256]
        public_key: file:keys/ec.pem
        issuer: https://idp.example
        audience: shop
      routes:
        - id: orders
          path: /orders/{id}
          methods: [GET]
          permission: orders:read
        - id: refunds
          path: /refunds
          methods: [POST]
          permission: refunds:create
      """;

  private PolicyTestReport run(Vertx vertx, String rules, String tests) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    RuleFiles.write(dir, "keys/ec.pem", TestTokens.pem(g.generateKeyPair().getPublic()));
    RuleFiles.write(dir, "shop.yaml", rules);
    RuleFiles.write(dir, "shop.test.yaml", tests);
    CompiledPolicy policy = PolicyCompiler.create(name -> null).compileDirectory(dir);
    return PolicyTestRunner.run(vertx, policy, PolicyTestReader.read(dir), System.currentTimeMillis() / 1000).await();
  }

  @Test
  void es256Package_withCookieTokens_isTestedWithAThrowawayKey_throughRealVerification(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, ES256_SHOP, """
        cases:
          - name: reader reads an order
            request: {method: GET, path: /orders/7, token: {sub: ann, permissions: [orders:read]}}
            expect: {allow: true, rule: orders}
          - name: wrong audience is refused by verification
            request: {method: GET, path: /orders/7, token: {sub: ann, permissions: [orders:read], aud: other}}
            expect: {status: 401, error: Invalid token}
        """);
    assertEquals("2 passed, 0 failed", report.summary(), () -> report.results().toString());
  }

  @Test
  void severalIssuers_eachCaseIsSignedWithAThrowawayKeyOfTheIssuerItsIssNames(Vertx vertx) throws Exception {
    RuleFiles.write(dir, "shop.yaml", """
        package: shop.http
        identity:
          tokens: [bearer]
          issuers:
            - issuer: https://staff.example
              algorithms: [HS256]
              secret: ${env:STAFF_SECRET}
              audience: staff
            - issuer: https://partners.example
              algorithms: [ES256]
              jwks: https://partners.invalid/.well-known/jwks.json
              audience: partners
              permissions_claim: scope
        routes:
          - id: orders
            path: /orders/{id}
            methods: [GET]
            permission: orders:read
        """);
    RuleFiles.write(dir, "shop.test.yaml", """
        cases:
          - name: without iss the first issuer signs
            request: {method: GET, path: /orders/7, token: {sub: ann, permissions: [orders:read]}}
            expect: {allow: true, rule: orders}
          - name: a partner token maps scope
            request: {method: GET, path: /orders/7, token: {sub: bob, iss: "https://partners.example", scope: orders:read}}
            expect: {allow: true, rule: orders}
          - name: a partner token is checked against the partner audience
            request: {method: GET, path: /orders/7, token: {sub: bob, iss: "https://partners.example", aud: staff,
                      scope: orders:read}}
            expect: {status: 401, error: Invalid token}
          - name: an unknown issuer is refused
            request: {method: GET, path: /orders/7, token: {sub: eve, iss: "https://evil.example", permissions: [orders:read]}}
            expect: {status: 401, error: Invalid token}
        """);
    // No network: the remote jwks is replaced by the test key, so `partners.invalid` is never fetched.
    CompiledPolicy policy = PolicyCompiler.create(PolicyTestRunner.testEnvironment(name -> null)).compileDirectory(dir);
    PolicyTestReport report = PolicyTestRunner.run(vertx, policy, PolicyTestReader.read(dir),
        System.currentTimeMillis() / 1000).await();
    assertEquals("4 passed, 0 failed", report.summary(), () -> report.results().toString());
  }

  @Test
  void wrongExpectations_fail_withAFieldByFieldDiff(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, ES256_SHOP, """
        cases:
          - name: claims the wrong rule and outcome
            request: {method: GET, path: /orders/7, token: {sub: ann, permissions: [orders:read]}}
            expect: {allow: false, status: 403, rule: refunds, score: 3}
        """);
    assertEquals("0 passed, 1 failed", report.summary());
    assertEquals(List.of("allow: expected `false`, got `true`", "status: expected `403`, got `200`",
        "rule: expected `refunds`, got `orders`", "score: expected `3`, got `0`"), report.results().get(0).mismatches());
  }

  @Test
  void routesNoCaseReaches_areListedAsUncovered(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, ES256_SHOP, """
        cases:
          - name: only orders
            request: {method: GET, path: /orders/1, token: {sub: ann, permissions: [orders:read]}}
            expect: {allow: true}
        """);
    assertEquals(List.of("refunds"), report.uncovered().get("shop.http").stream().map(CompiledRoute::id).toList());
  }

  @Test
  void unknownPackage_failsEveryCaseOfTheSuite_sayingWhy(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, ES256_SHOP, """
        package: no.such
        cases:
          - name: anything
            request: {method: GET, path: /orders/1}
            expect: {allow: false}
        """);
    assertEquals("0 passed, 1 failed", report.summary());
    assertTrue(report.results().get(0).mismatches().get(0).contains("`no.such`"));
    assertNull(report.results().get(0).decision());
  }

  @Test
  void testFileProblems_areReportedWithPositions() throws Exception {
    RuleFiles.write(dir, "bad.test.yaml", """
        cases:
          - name: one
            request: {method: GET}
            expect: {allow: true}
          - name: two
            request: {method: GET, path: /x}
            expect: {}
          - name: one
            request: {method: GET, path: /x}
            expect: {alow: true}
        """);
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> PolicyTestReader.read(dir));
    List<String> codes = e.diagnostics().stream().map(d -> d.location().line() + ":" + d.code()).toList();
    assertEquals(List.of("3:missing_key", "7:empty_value", "10:empty_value", "10:unknown_key"), codes); // sorted by line, then column
  }

  private static final String REFUNDS_NEED_A_RECENT_LOGIN = ES256_SHOP.replace("""
          permission: refunds:create
      """, """
          permission: refunds:create
          step_up:
            recent_login: "now - token.auth_time <= 300"
            launched: "now >= 1767268800"
      """);

  @Test
  void caseTimes_andTimeClaims_makeTimeDependentRulesDeterministic(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, REFUNDS_NEED_A_RECENT_LOGIN, """
        defaults:
          method: POST
          path: /refunds
          now: 2026-01-01T12:00:00Z
        cases:
          - name: a login 5 minutes ago is recent
            request: {token: {sub: ann, permissions: [refunds:create]}, time_claims: {auth_time: -5m}}
            expect: {allow: true, step_up: []}
          - name: a login 5 minutes and a second ago is not
            request: {token: {sub: ann, permissions: [refunds:create]}, time_claims: {auth_time: -301s}}
            expect: {error: Step-up authentication required, step_up: [recent_login]}
          - name: before the launch, in epoch seconds, neither holds
            request:
              now: 1767268799
              token: {sub: ann, permissions: [refunds:create]}
              time_claims: {auth_time: -1h}
            expect: {step_up: [launched, recent_login]}
          - name: the token is verified at the case's time, so its own exp is measured from it
            request: {token: {sub: ann, permissions: [refunds:create]}, time_claims: {auth_time: 0, exp: -1m}}
            expect: {status: 401, error: Invalid token}
        """);
    assertEquals("4 passed, 0 failed", report.summary(), () -> report.results().toString());
  }

  @Test
  void aWrongStepUpExpectation_failsWithADiff(Vertx vertx) throws Exception {
    PolicyTestReport report = run(vertx, REFUNDS_NEED_A_RECENT_LOGIN, """
        cases:
          - name: expects the wrong requirement
            request:
              method: POST
              path: /refunds
              now: 2026-01-01T12:00:00Z
              token: {sub: ann, permissions: [refunds:create]}
              time_claims: {auth_time: -1h}
            expect: {step_up: [launched]}
        """);
    assertEquals(List.of("step_up: expected `[launched]`, got `[recent_login]`"), report.results().get(0).mismatches());
  }

  @Test
  void timeProblems_areReportedWithPositions() throws Exception {
    RuleFiles.write(dir, "bad.test.yaml", """
        defaults: {method: GET, path: /x}
        cases:
          - name: a date that is no time
            request: {now: next tuesday}
            expect: {allow: true}
          - name: an offset without a sign
            request: {token: {sub: a}, time_claims: {auth_time: 20m}}
            expect: {allow: true}
          - name: a claim set twice
            request: {token: {sub: a, auth_time: 5}, time_claims: {auth_time: -1m}}
            expect: {allow: true}
          - name: time claims without a token
            request: {time_claims: {auth_time: -1m}}
            expect: {step_up: mfa}
        """);
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> PolicyTestReader.read(dir));
    List<String> codes = e.diagnostics().stream().map(d -> d.location().line() + ":" + d.location().column() + ":"
        + d.code()).toList();
    assertEquals(List.of("4:20:invalid_time", "7:57:invalid_duration", "10:60:conflicting_keys", "13:15:missing_key",
        "14:23:wrong_type"), codes);
  }
}
