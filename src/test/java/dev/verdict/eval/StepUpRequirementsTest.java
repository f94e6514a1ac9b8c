package dev.verdict.eval;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.engine.Verdict;
import dev.verdict.testing.MutableClock;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named step-up requirements from a real rule file, decided through the engine with an injected
 * clock: where they sit in the order of checks, how a package default is inherited and replaced,
 * and that every way a requirement can fail denies.
 */
class StepUpRequirementsTest {

  private static final long LOGIN = 1_767_268_800L; // 2026-01-01T12:00:00Z

  private static final String RULES = """
      package: shop.http
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      risk:
        signals:
          outside: "startsWith(ip, '10.') ? 0 : 90"
      step_up:                                  # every route below that has no step_up of its own
        mfa: "inList('mfa', token.amr)"
      routes:
        - id: health
          path: /health
          public: true
        - id: read-orders
          path: /orders/**
          methods: [GET]
          permission: orders:read
        - id: refunds
          path: /refunds/{id}
          methods: [POST]
          permission: refunds:write
          when: "params.id != 'locked'"
          step_up:
            recent_login: "now - token.auth_time <= 300"
            strong_acr: "token['acr'] == 'loa3'"
        - id: status
          path: /status
          permission: status:read
          step_up: {}                           # opted out of the package default
        - id: typed
          path: /typed
          permission: typed
          step_up:
            acr_level: "token.acr.level >= 2"   # throws on a string `acr`
      """;

  @TempDir
  Path dir;

  private MutableClock clock;
  private Verdict verdict;

  @BeforeEach
  void load() throws Exception {
    write(dir, "shop.yaml", RULES);
    clock = MutableClock.atEpochSecond(LOGIN);
    verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS, clock);
  }

  private static Identity user(Set<String> permissions, Map<String, Object> loginClaims) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("sub", "ann");
    claims.putAll(loginClaims);
    return Identity.verified("ann", permissions, claims);
  }

  /** What a JWT says after a password + OTP login at {@link #LOGIN} at assurance level 3. */
  private static Map<String, Object> strongLogin() {
    return Map.of("amr", List.of("pwd", "otp", "mfa"), "auth_time", (int) LOGIN, "acr", "loa3");
  }

  private Decision decide(String method, String path, String ip, Identity identity) {
    return verdict.decide("shop.http", new Request(method, path, Map.of(), ip), identity);
  }

  private static void assertStepUp(Decision d, List<String> unmet) {
    assertEquals(Outcome.STEP_UP, d.outcome(), d::toString);
    assertFalse(d.allow());
    assertEquals(403, d.status());
    assertEquals("Step-up authentication required", d.error());
    assertEquals(unmet, d.stepUp());
    assertEquals(List.of(), d.errors(), "an unmet requirement is not an error");
  }

  @Test
  void requirementsThatHold_allow() {
    Decision d = decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), strongLogin()));
    assertTrue(d.allow(), d::toString);
    assertEquals(List.of(), d.stepUp());
  }

  @Test
  void aRequirementThatTurnsFalse_asTheClockMoves_stepsUp_namingIt() {
    Identity ann = user(Set.of("refunds:write"), strongLogin());
    clock.advance(Duration.ofSeconds(300));
    assertTrue(decide("POST", "/refunds/r1", "10.0.0.1", ann).allow(), "five minutes after login is still recent");
    clock.advance(Duration.ofSeconds(1));
    Decision d = decide("POST", "/refunds/r1", "10.0.0.1", ann);
    assertStepUp(d, List.of("recent_login"));
    assertEquals("refunds", d.rule());
    assertEquals(List.of("refunds:write"), d.required());
  }

  @Test
  void everyUnmetRequirement_isNamed_inRuleFileOrder() {
    Map<String, Object> weak = Map.of("amr", List.of("pwd"), "auth_time", (int) (LOGIN - 3600), "acr", "loa1");
    assertStepUp(decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), weak)),
        List.of("recent_login", "strong_acr"));
  }

  @Test
  void aMissingClaim_leavesItsRequirementUnmet_evenWhereItsExpressionWouldThrow() {
    // `now - token.auth_time` throws without the claim; `token['acr']` reads null. Both are unmet.
    Decision d = decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), Map.of()));
    assertStepUp(d, List.of("recent_login", "strong_acr"));
    assertEquals("step-up requirement not met (`recent_login`: no `auth_time` claim)", d.reason());
  }

  @Test
  void aNullClaim_countsAsMissing() {
    Map<String, Object> claims = new LinkedHashMap<>(strongLogin());
    claims.put("auth_time", null);
    assertStepUp(decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), claims)),
        List.of("recent_login"));
  }

  @Test
  void aClaimOfTheWrongType_neverAllows() {
    Map<String, Object> claims = new LinkedHashMap<>(strongLogin());
    claims.put("auth_time", "yesterday");
    Decision d = decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), claims));
    // MVEL's `number - string` is null and `null <= 300` false: the requirement is unmet, never met.
    assertStepUp(d, List.of("recent_login"));
  }

  @Test
  void anExpressionThatThrows_withItsClaimPresent_deniesAsAnExpressionError() {
    Decision d = decide("GET", "/typed", "10.0.0.1", user(Set.of("typed"), Map.of("acr", "loa3")));
    assertEquals(Outcome.FORBIDDEN, d.outcome(), d::toString);
    assertEquals(List.of(), d.stepUp());
    assertTrue(d.errors().get(0).startsWith("step-up requirement `acr_level` failed: "), d.errors()::toString);
  }

  @Test
  void theSameExpression_withItsClaimMissing_stepsUp() {
    assertStepUp(decide("GET", "/typed", "10.0.0.1", user(Set.of("typed"), Map.of())), List.of("acr_level"));
  }

  @Test
  void withoutThePermission_theAnswerIsInsufficientPermissions_notStepUp() {
    Decision d = decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("orders:read"), Map.of()));
    assertEquals(Outcome.FORBIDDEN, d.outcome(), d::toString);
    assertEquals("missing permission", d.reason());
    assertEquals(List.of(), d.stepUp());
  }

  @Test
  void whenFalse_isInsufficientPermissions_notStepUp() {
    Decision d = decide("POST", "/refunds/locked", "10.0.0.1", user(Set.of("refunds:write"), Map.of()));
    assertEquals(Outcome.FORBIDDEN, d.outcome(), d::toString);
    assertEquals("`when` is false", d.reason());
  }

  @Test
  void riskStepUp_comesFirst_andNamesNoRequirement() {
    Decision d = decide("POST", "/refunds/r1", "203.0.113.9", user(Set.of("refunds:write"), Map.of()));
    assertEquals(Outcome.STEP_UP, d.outcome(), d::toString);
    assertEquals("risk score above threshold", d.reason());
    assertEquals(List.of(), d.stepUp());
  }

  @Test
  void aRouteWithoutStepUp_inheritsThePackageDefault() {
    Identity noMfa = user(Set.of("orders:read"), Map.of("amr", List.of("pwd")));
    assertStepUp(decide("GET", "/orders/1", "10.0.0.1", noMfa), List.of("mfa"));
    Identity mfa = user(Set.of("orders:read"), Map.of("amr", List.of("pwd", "mfa")));
    assertTrue(decide("GET", "/orders/1", "10.0.0.1", mfa).allow());
  }

  @Test
  void aRoutesOwnStepUp_replacesThePackageDefault() {
    // No `mfa` in the token, and the refunds route does not ask for it: its own list replaced the default.
    Map<String, Object> claims = Map.of("amr", List.of("pwd"), "auth_time", (int) LOGIN, "acr", "loa3");
    assertTrue(decide("POST", "/refunds/r1", "10.0.0.1", user(Set.of("refunds:write"), claims)).allow());
  }

  @Test
  void anEmptyStepUp_optsARouteOut() {
    assertTrue(decide("GET", "/status", "10.0.0.1", user(Set.of("status:read"), Map.of())).allow());
  }

  @Test
  void publicRoutes_areNotSubjectToThePackageDefault() {
    assertTrue(decide("GET", "/health", "", Identity.anonymous()).allow());
  }
}
