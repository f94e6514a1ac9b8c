package dev.verdict.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Shadow mode counts exactly the requests on which a candidate policy would answer differently. */
class ShadowTest {

  private static final String ACTIVE = """
      package: shop.http
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      routes:
        - id: health
          path: /health
          public: true
        - id: read-orders
          path: /orders/**
          methods: [GET]
          permission: orders:read
        - id: legacy
          path: /v0/**
          permission: orders:read
        - id: admin
          path: /admin/**
          permission: admin
      """;

  /** Stricter: legacy denied outright, admin needs a second permission. Health and orders unchanged. */
  private static final String CANDIDATE = """
      package: shop.http
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      routes:
        - id: health
          path: /health
          public: true
        - id: read-orders-v2
          path: /orders/**
          methods: [GET]
          permission: orders:read
        - id: legacy
          path: /v0/**
          effect: deny
        - id: admin
          path: /admin/**
          permissions: [admin, admin:mfa]
      """;

  private static final Identity READER = Identity.verified("r", Set.of("orders:read"), Map.of());
  private static final Identity ADMIN = Identity.verified("a", Set.of("orders:read", "admin"), Map.of());
  private static final Identity STRONG_ADMIN = Identity.verified("s", Set.of("orders:read", "admin", "admin:mfa"), Map.of());

  private static final Shadow.IdentitySource NEVER_ASKED = (pkg, request) -> {
    fail("identity settings are equal: the active identity must be reused");
    return null;
  };

  private record Case(Request request, Identity identity, boolean disagrees) {}

  private static Verdict fromSource(String yaml) throws Exception {
    return Verdict.fromSources(Map.of("shop.yaml", yaml), RuleFiles.STRONG_SECRETS);
  }

  private static void decideAll(Verdict active, List<Case> cases, Shadow.IdentitySource identities) {
    CompiledPolicy policy = active.policy();
    CompiledPackage pkg = policy.packageNamed("shop.http");
    for (Case c : cases) {
      Decision d = active.decide(policy, pkg, c.request(), c.identity());
      active.shadow().compare(pkg, c.request(), c.identity(), d, identities);
    }
  }

  @Test
  void countsExactlyTheConstructedDisagreements_andKeepsBothDecisions() throws Exception {
    Verdict active = fromSource(ACTIVE);
    Shadow shadow = active.shadow(fromSource(CANDIDATE));
    List<Shadow.Disagreement> told = new ArrayList<>();
    shadow.onDisagreement(told::add);

    List<Case> cases = List.of(
        new Case(Request.of("GET", "/health"), Identity.anonymous(), false),
        new Case(Request.of("GET", "/orders/1"), READER, false),          // same outcome, another rule: agreement
        new Case(Request.of("POST", "/orders/1"), READER, false),         // no route in either
        new Case(Request.of("GET", "/v0/orders"), READER, true),          // allow -> deny
        new Case(Request.of("GET", "/v0/orders"), Identity.anonymous(), false), // 401 in both
        new Case(Request.of("GET", "/admin/users"), ADMIN, true),         // allow -> 403
        new Case(Request.of("GET", "/admin/users"), STRONG_ADMIN, false),
        new Case(Request.of("GET", "/admin/users"), READER, false),       // 403 in both
        new Case(Request.of("GET", "/admin/%2e%2e/x"), ADMIN, false));    // 400 in both
    decideAll(active, cases, NEVER_ASKED);

    long expected = cases.stream().filter(Case::disagrees).count();
    assertEquals(expected, shadow.disagreements());
    assertEquals(cases.size(), shadow.compared());
    assertEquals(expected, told.size());
    assertEquals(expected, shadow.recent().size());

    Shadow.Disagreement legacy = told.get(0);
    assertEquals("/v0/orders", legacy.request().path());
    assertTrue(legacy.active().allow());
    assertEquals(Outcome.FORBIDDEN, legacy.candidate().outcome());
    assertEquals("legacy", legacy.candidate().rule());
    assertEquals(legacy.active().decisionId(), legacy.candidate().decisionId(), "one id correlates both");
    assertEquals(active.policy().revision(), legacy.active().policyRevision());
    assertEquals(shadow.candidate().policy().revision(), legacy.candidate().policyRevision());
    assertTrue(legacy.summary().contains("\"GET\" \"/v0/orders\""), legacy.summary());
    assertTrue(legacy.summary().contains("active=allow(200"), legacy.summary());
    assertTrue(legacy.summary().contains("candidate=deny(403 Insufficient permissions, rule legacy"), legacy.summary());
  }

  @Test
  void theActiveDecisionIsNeverChanged() throws Exception {
    Verdict active = fromSource(ACTIVE);
    active.shadow(fromSource(CANDIDATE));
    CompiledPolicy policy = active.policy();
    CompiledPackage pkg = policy.packageNamed("shop.http");
    Request request = Request.of("GET", "/admin/users");
    Decision d = active.decide(policy, pkg, request, ADMIN);
    active.shadow().compare(pkg, request, ADMIN, d, NEVER_ASKED);
    assertTrue(d.allow(), "shadow mode never enforces");
    assertEquals(1, active.shadow().disagreements());
  }

  @Test
  void candidateWithoutThePackage_isADisagreement() throws Exception {
    Verdict active = fromSource(ACTIVE);
    Shadow shadow = active.shadow(fromSource(CANDIDATE.replace("shop.http", "other.http")));
    decideAll(active, List.of(new Case(Request.of("GET", "/health"), Identity.anonymous(), true)), NEVER_ASKED);
    assertEquals(1, shadow.disagreements());
    assertNull(shadow.recent().get(0).candidate());
    assertTrue(shadow.recent().get(0).summary().contains("candidate=no-package"));
  }

  @Test
  void candidateWithOtherIdentitySettings_verifiesTheTokenForItself() throws Exception {
    Verdict active = fromSource(ACTIVE);
    // Another issuer: the token the active policy accepted means nothing to the candidate as is.
    Shadow shadow = active.shadow(fromSource(CANDIDATE.replace("secret: ${env:SHOP_SECRET}",
        "secret: ${env:SHOP_SECRET}\n  issuer: https://new-idp.example")));
    List<CompiledPackage> askedFor = new ArrayList<>();
    Shadow.IdentitySource candidateSees = (pkg, request) -> {
      askedFor.add(pkg);
      return CompletableFuture.completedFuture(Identity.invalid("wrong issuer"));
    };
    decideAll(active, List.of(new Case(Request.of("GET", "/orders/1"), READER, true)), candidateSees);
    assertEquals(1, askedFor.size());
    assertEquals(shadow.candidate().policy().packageNamed("shop.http"), askedFor.get(0));
    assertEquals(Outcome.INVALID_TOKEN, shadow.recent().get(0).candidate().outcome());
  }

  @Test
  void aFailingCandidateVerification_isCountedAsAFailure_notADisagreement() throws Exception {
    Verdict active = fromSource(ACTIVE);
    Shadow shadow = active.shadow(fromSource(CANDIDATE.replace("secret: ${env:SHOP_SECRET}",
        "secret: ${env:SHOP_SECRET}\n  issuer: https://new-idp.example")));
    decideAll(active, List.of(new Case(Request.of("GET", "/orders/1"), READER, false)),
        (pkg, request) -> CompletableFuture.failedFuture(new IllegalStateException("jwks down")));
    assertEquals(1, shadow.failures());
    assertEquals(0, shadow.disagreements());
  }

  @Test
  void candidateReloads_areComparedFromTheNextRequestOn() throws Exception {
    Verdict active = fromSource(ACTIVE);
    Verdict candidate = fromSource(ACTIVE);
    Shadow shadow = active.shadow(candidate);
    List<Case> one = List.of(new Case(Request.of("GET", "/admin/users"), ADMIN, false));
    decideAll(active, one, NEVER_ASKED);
    assertEquals(0, shadow.disagreements());
    candidate.load(Map.of("shop.yaml", CANDIDATE));
    decideAll(active, one, NEVER_ASKED);
    assertEquals(1, shadow.disagreements());
    assertEquals(2, shadow.compared());
  }

  /** U+0085 (NEL) breaks lines in some log tools; U+202E reverses what a terminal shows after it. */
  @Test
  void logSummary_escapesC1ControlsAndBidiOverrides_keepsOtherUnicode() {
    assertEquals("\"a\\u0085b\\u202ec\\u2066d\\u200be\"", Shadow.quote("a\u0085b\u202ec\u2066d\u200be"));
    assertEquals("\"caf\u00e9 \u65e5\u672c \uD83D\uDE00\"", Shadow.quote("caf\u00e9 \u65e5\u672c \uD83D\uDE00"));
    assertEquals("\"\\ud800x\"", Shadow.quote("\uD800x"), "an unpaired surrogate is escaped");
  }

  @Test
  void logSummary_cutsLongFields() {
    String quoted = Shadow.quote("/a?q=" + "x".repeat(900_000));
    assertTrue(quoted.length() < 600, "length " + quoted.length());
    assertTrue(quoted.endsWith("\"...(" + (900_005 - 512) + " more chars)"), quoted);
  }

  @Test
  void logSummary_escapesControlCharacters() {
    assertEquals("\"a\\u000ab\\\"c\"", Shadow.quote("a\nb\"c"));
    assertFalse(Shadow.quote("x\r\ny").contains("\n"));
  }
}
