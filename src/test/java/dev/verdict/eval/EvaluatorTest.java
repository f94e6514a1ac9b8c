package dev.verdict.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.RiskAssessment;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Moltbot policy ({@code rules/moltbot.yaml}) decided request by request: who may do what,
 * from where, and why not.
 */
class EvaluatorTest {

  private static final String OFFICE_IP = "10.1.2.3";
  private static final String OUTSIDE_IP = "203.0.113.9";
  private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64)";
  private static final Set<String> ALL_PERMISSIONS = Set.of("bots:read", "bots:write", "conversations:read",
      "conversations:export", "chat:send", "profile:read", "admin");

  /** The decision time: 2026-01-01T12:00:00Z. */
  private static final long NOW = 1_767_268_800L;

  private static CompiledPolicy policy;
  private static CompiledPackage moltbot;

  @BeforeAll
  static void load() throws Exception {
    policy = RuleFiles.compile(RuleFiles.MOLTBOT_RULES);
    moltbot = policy.packageNamed("moltbot.http");
  }

  private static Request request(String method, String path, String ip, String userAgent) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (userAgent != null) headers.put("user-agent", userAgent);
    return new Request(method, path, headers, ip);
  }

  private static Request fromOffice(String method, String path) {
    return request(method, path, OFFICE_IP, BROWSER);
  }

  /** A user who logged in with MFA a minute ago, so the admin route's step-up requirements hold. */
  private static Identity user(String... permissions) {
    return Identity.verified("u1", Set.of(permissions), Map.of("sub", "u1", "bots", List.of("b1", "b2"),
        "amr", List.of("pwd", "mfa"), "auth_time", (int) (NOW - 60)));
  }

  private static Decision decide(Request request, Identity identity) {
    return Evaluator.decide(moltbot, request, identity, NOW, "d-1", policy.revision());
  }

  private static void assertDenied(Decision d, Outcome outcome, String rule) {
    assertEquals(outcome, d.outcome(), d::toString);
    assertFalse(d.allow());
    assertEquals(outcome.status(), d.status());
    assertEquals(outcome.error(), d.error());
    assertEquals(rule, d.rule(), d::toString);
  }

  @Nested
  class Allowed {

    @Test
    void readerOfBots_readingABot_fromTheOffice_isAllowed_byReadBots() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1"), user("bots:read"));
      assertTrue(d.allow(), d::toString);
      assertEquals(Outcome.ALLOW, d.outcome());
      assertEquals(200, d.status());
      assertNull(d.error());
      assertEquals("read-bots", d.rule());
      assertEquals("u1", d.user());
      assertEquals(List.of("bots:read"), d.required());
      assertEquals(new RiskAssessment(0, 80, Map.of("untrusted_network", 0, "missing_user_agent", 0,
          "scripted_client", 0, "sensitive_path", 0)), d.risk());
      assertEquals(List.of(), d.errors());
    }

    @Test
    void decision_carriesRuleUserRequiredDecisionIdAndRevision() {
      Decision d = Evaluator.decide(moltbot, fromOffice("GET", "/api/bots/b1/conversations/export"),
          user("conversations:read", "conversations:export"), NOW, "decision-42", policy.revision());
      assertTrue(d.allow(), d::toString);
      assertEquals("export-conversations", d.rule());
      assertEquals("u1", d.user());
      assertEquals(List.of("conversations:read", "conversations:export"), d.required());
      assertEquals("decision-42", d.decisionId());
      assertEquals(policy.revision(), d.policyRevision());
      assertTrue(policy.revision().matches("[0-9a-f]{16}"), policy.revision());
      assertEquals(25, d.risk().signals().get("sensitive_path"));
    }

    @Test
    void sender_toABotTheTokenLists_isAllowed_bySendMessage() {
      Decision d = decide(fromOffice("POST", "/api/bots/b2/messages"), user("chat:send"));
      assertTrue(d.allow(), d::toString);
      assertEquals("send-message", d.rule());
    }

    @Test
    void anonymousCaller_onPublicHealth_isAllowed_withoutRiskAssessment() {
      Decision d = decide(request("GET", "/health", "", null), Identity.anonymous());
      assertTrue(d.allow(), d::toString);
      assertEquals("health", d.rule());
      assertNull(d.user());
      assertNull(d.risk());
    }

    @Test
    void invalidToken_onPublicHealth_isStillAllowed() {
      assertTrue(decide(fromOffice("GET", "/health"), Identity.invalid("expired")).allow());
    }

    @Test
    void admin_fromTheOffice_withABrowser_isAllowed_belowTheStricterThreshold() {
      Decision d = decide(fromOffice("GET", "/api/admin/users"), user("admin"));
      assertTrue(d.allow(), d::toString);
      assertEquals("admin", d.rule());
      assertEquals(25, d.risk().score());
      assertEquals(50, d.risk().threshold());
    }

    @Test
    void curlFromOutside_onAnOrdinaryRoute_scoresSeventy_andIsNotSteppedUp() {
      Decision d = decide(request("GET", "/api/me", OUTSIDE_IP, "curl/8.5.0"), user("profile:read"));
      assertTrue(d.allow(), d::toString);
      assertEquals(70, d.risk().score());
      assertFalse(d.risk().exceedsThreshold());
    }

    @Test
    void moreSpecificRoute_decides_overTheDoubleStarRoute() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1/conversations/c9"), user("conversations:read"));
      assertTrue(d.allow(), d::toString);
      assertEquals("read-conversations", d.rule());
    }
  }

  @Nested
  class Unauthenticated {

    @Test
    void noToken_onAProtectedRoute_is401Unauthenticated() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1"), Identity.anonymous());
      assertDenied(d, Outcome.UNAUTHENTICATED, "read-bots");
      assertEquals(401, d.status());
      assertEquals("Unauthenticated", d.error());
      assertNull(d.user());
      assertNull(d.risk());
    }

    @Test
    void badToken_onAProtectedRoute_is401InvalidToken_withTheFailureAsReason() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1"), Identity.invalid("signature does not verify"));
      assertDenied(d, Outcome.INVALID_TOKEN, "read-bots");
      assertEquals(401, d.status());
      assertEquals("Invalid token", d.error());
      assertEquals("signature does not verify", d.reason());
    }

    @Test
    void noToken_onAPathNoRouteMatches_is401_notAHintAboutRoutes() {
      Decision d = decide(fromOffice("GET", "/api/nothing-here"), Identity.anonymous());
      assertDenied(d, Outcome.UNAUTHENTICATED, null);
    }

    @Test
    void noToken_onADenyRoute_is401_namingTheDenyRule() {
      assertDenied(decide(fromOffice("GET", "/api/v0/bots"), Identity.anonymous()), Outcome.UNAUTHENTICATED,
          "no-legacy");
    }
  }

  @Nested
  class StepUp {

    @Test
    void validToken_fromOutside_withoutUserAgent_scores85_andMustStepUp() {
      Decision d = decide(request("GET", "/api/bots/b1", OUTSIDE_IP, null), user("bots:read"));
      assertDenied(d, Outcome.STEP_UP, "read-bots");
      assertEquals(403, d.status());
      assertEquals("Step-up authentication required", d.error());
      assertEquals(85, d.risk().score());
      assertEquals(80, d.risk().threshold());
      assertEquals(Map.of("untrusted_network", 40, "missing_user_agent", 45, "scripted_client", 0,
          "sensitive_path", 0), d.risk().signals());
      assertEquals(List.of("untrusted_network", "missing_user_agent", "scripted_client", "sensitive_path"),
          List.copyOf(d.risk().signals().keySet()));
      assertEquals(List.of("bots:read"), d.required());
    }

    @Test
    void stepUp_isDecidedBeforePermissions() {
      Decision d = decide(request("GET", "/api/bots/b1", OUTSIDE_IP, ""), user());
      assertDenied(d, Outcome.STEP_UP, "read-bots");
    }

    @Test
    void scoreAboveOneHundred_isClampedToOneHundred() {
      Decision d = decide(request("GET", "/api/admin/users", OUTSIDE_IP, null), user("admin"));
      assertDenied(d, Outcome.STEP_UP, "admin");
      assertEquals(100, d.risk().score());
      assertEquals(110, d.risk().signals().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void adminRoute_hasAStricterThreshold_soABrowserFromOutsideStepsUpThere() {
      Request outsideBrowser = request("GET", "/api/admin/users", OUTSIDE_IP, BROWSER);
      Decision d = decide(outsideBrowser, user("admin"));
      assertDenied(d, Outcome.STEP_UP, "admin");
      assertEquals(65, d.risk().score());
      assertEquals(50, d.risk().threshold());
      assertEquals(Map.of("untrusted_network", 40, "missing_user_agent", 0, "scripted_client", 0,
          "sensitive_path", 25), d.risk().signals());
    }

    @Test
    void sameScore_onARouteWithThePackageThreshold_doesNotStepUp() {
      // 40 (outside) + 25 (an export is sensitive) = 65, as on the admin route, but the threshold here is 80.
      Decision d = decide(request("GET", "/api/bots/b1/conversations/export", OUTSIDE_IP, BROWSER),
          user("conversations:read", "conversations:export"));
      assertTrue(d.allow(), d::toString);
      assertEquals(65, d.risk().score());
      assertEquals(80, d.risk().threshold());
    }

    @ParameterizedTest
    @ValueSource(strings = {"curl/8.5.0", "python-requests/2.31", "Wget/1.21", "CURL"})
    void scriptedClient_fromOutside_onAdmin_stepsUp(String userAgent) {
      Decision d = decide(request("GET", "/api/admin/users", OUTSIDE_IP, userAgent), user("admin"));
      assertDenied(d, Outcome.STEP_UP, "admin");
      assertEquals(30, d.risk().signals().get("scripted_client"));
    }
  }

  @Nested
  class AdminStepUp {

    private Identity admin(Map<String, Object> loginClaims) {
      Map<String, Object> claims = new LinkedHashMap<>(Map.of("sub", "root"));
      claims.putAll(loginClaims);
      return Identity.verified("root", Set.of("admin"), claims);
    }

    @Test
    void adminWhoLoggedInWithMfa_fifteenMinutesAgo_isAllowed() {
      Decision d = decide(fromOffice("GET", "/api/admin/users"),
          admin(Map.of("amr", List.of("pwd", "mfa"), "auth_time", (int) (NOW - 900))));
      assertTrue(d.allow(), d::toString);
      assertEquals(List.of(), d.stepUp());
    }

    @Test
    void adminWhoseMfaLoginIsOlderThanFifteenMinutes_mustStepUp_namingRecentLogin() {
      Decision d = decide(fromOffice("GET", "/api/admin/users"),
          admin(Map.of("amr", List.of("pwd", "mfa"), "auth_time", (int) (NOW - 901))));
      assertDenied(d, Outcome.STEP_UP, "admin");
      assertEquals(List.of("recent_login"), d.stepUp());
      assertEquals(List.of(), d.errors());
    }

    @Test
    void adminWithoutLoginClaims_mustStepUp_namingBoth_inRuleFileOrder() {
      Decision d = decide(fromOffice("GET", "/api/admin/users"), admin(Map.of()));
      assertDenied(d, Outcome.STEP_UP, "admin");
      assertEquals(List.of("mfa", "recent_login"), d.stepUp());
      assertEquals("step-up requirement not met (`mfa`: no `amr` claim; `recent_login`: no `auth_time` claim)",
          d.reason());
    }

    @Test
    void amrThatIsNotAList_deniesAsAnExpressionError_notAsAStepUp() {
      // `inList` refuses a string: `'nomfa' contains 'mfa'` would be true, so a string never passes.
      Decision d = decide(fromOffice("GET", "/api/admin/users"),
          admin(Map.of("amr", "nomfa", "auth_time", (int) (NOW - 60))));
      assertDenied(d, Outcome.FORBIDDEN, "admin");
      assertEquals("expression error", d.reason());
      assertTrue(d.errors().get(0).startsWith("step-up requirement `mfa` failed: "), d.errors()::toString);
    }

    @Test
    void nonAdmin_isToldInsufficientPermissions_neverAskedToStepUp() {
      Decision d = decide(fromOffice("GET", "/api/admin/users"), Identity.verified("u1", Set.of("bots:read"),
          Map.of("sub", "u1")));
      assertDenied(d, Outcome.FORBIDDEN, "admin");
      assertEquals(List.of(), d.stepUp());
    }

    @Test
    void otherRoutes_haveNoStepUpRequirements() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1"), Identity.verified("u1", Set.of("bots:read"),
          Map.of("sub", "u1")));
      assertTrue(d.allow(), d::toString);
    }
  }

  @Nested
  class InsufficientPermissions {

    @Test
    void tokenWithoutTheRoutesPermission_is403_listingWhatWasRequired() {
      Decision d = decide(fromOffice("GET", "/api/me"), user("bots:read"));
      assertDenied(d, Outcome.FORBIDDEN, "read-profile");
      assertEquals("Insufficient permissions", d.error());
      assertEquals(List.of("profile:read"), d.required());
      assertEquals("u1", d.user());
      assertEquals(0, d.risk().score());
    }

    @Test
    void tokenWithOnlySomeOfTheRequiredPermissions_is403() {
      Decision d = decide(fromOffice("GET", "/api/bots/b1/conversations/export"), user("conversations:read"));
      assertDenied(d, Outcome.FORBIDDEN, "export-conversations");
      assertEquals(List.of("conversations:read", "conversations:export"), d.required());
    }

    @Test
    void sender_toABotTheTokenDoesNotList_is403_becauseWhenIsFalse() {
      Decision d = decide(fromOffice("POST", "/api/bots/b3/messages"), user("chat:send"));
      assertDenied(d, Outcome.FORBIDDEN, "send-message");
      assertEquals("`when` is false", d.reason());
      assertEquals(List.of(), d.errors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v0/bots", "/api/v0", "/api/v0/a/b/c"})
    void legacyApi_isDenied_evenForAnAdminWithEveryPermission(String path) {
      Decision d = decide(fromOffice("GET", path), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(d, Outcome.FORBIDDEN, "no-legacy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "DELETE"})
    void adminDebug_isDenied_evenForAnAdmin_thoughTheAdminRouteWouldAllow(String method) {
      Identity admin = user(ALL_PERMISSIONS.toArray(String[]::new));
      assertTrue(decide(fromOffice(method, "/api/admin/users"), admin).allow());
      Decision d = decide(fromOffice(method, "/api/admin/debug/heap"), admin);
      assertDenied(d, Outcome.FORBIDDEN, "no-admin-debug");
    }

    @Test
    void pathThatNoRouteMatches_isDenied_withNoRule() {
      Decision d = decide(fromOffice("GET", "/api/unknown"), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(d, Outcome.FORBIDDEN, null);
      assertEquals("no route matches", d.reason());
    }

    @Test
    void methodThatNoRouteAllows_isDenied_withNoRule() {
      Decision d = decide(fromOffice("DELETE", "/api/me"), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(d, Outcome.FORBIDDEN, null);
    }
  }

  @Nested
  class AmbiguousPaths {

    @ParameterizedTest
    @ValueSource(strings = {"/api/v0%2Fbots", "/api/bots/%2e%2e/admin", "/api/admin/debug/..;/x", "/../api/me"})
    void ambiguousPath_is400_beforeAnyRoute(String path) {
      Decision d = decide(fromOffice("GET", path), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(d, Outcome.BAD_REQUEST, null);
      assertEquals(400, d.status());
    }

    @Test
    void dotSegments_areResolvedBeforeMatching_soTheyCannotDodgeADenyRule() {
      Decision d = decide(fromOffice("GET", "/api/bots/../v0/bots"), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(d, Outcome.FORBIDDEN, "no-legacy");
      Decision e = decide(fromOffice("GET", "/api//admin/./debug/x"), user(ALL_PERMISSIONS.toArray(String[]::new)));
      assertDenied(e, Outcome.FORBIDDEN, "no-admin-debug");
    }
  }
}
