package dev.verdict.engine;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.MutableClock;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding facade: load, decide with the active policy, swap it only for one that compiles. */
class VerdictTest {

  @TempDir
  Path dir;

  private static final Identity READER = Identity.verified("u1", Set.of("bots:read"), Map.of("sub", "u1"));

  private static final String POLICY = PolicyStatusTest.SHOP;


  @Test
  void moltbotRules_decideByPackageName_withAFreshDecisionIdEachTime() throws Exception {
    Verdict verdict = Verdict.fromDirectory(RuleFiles.MOLTBOT_RULES, RuleFiles.STRONG_SECRETS);
    Request request = new Request("GET", "/api/bots/b1", Map.of("user-agent", "Mozilla/5.0"), "10.0.0.7");
    Decision first = verdict.decide("moltbot.http", request, READER);
    Decision second = verdict.decide("moltbot.http", request, READER);
    assertTrue(first.allow(), first::toString);
    assertEquals("read-bots", first.rule());
    assertEquals(verdict.policy().revision(), first.policyRevision());
    assertNotEquals(first.decisionId(), second.decisionId());
  }

  @Test
  void now_inExpressions_isTheInjectedClockInEpochSeconds_readAtEachDecision() throws Exception {
    write(dir, "shop.yaml", POLICY.formatted("orders:read") + "    when: \"now >= 1767268800\"   # from the launch on\n");
    MutableClock clock = MutableClock.atEpochSecond(1_767_268_799L);
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS, clock);
    Identity reader = Identity.verified("u1", Set.of("orders:read"), Map.of());
    Request request = Request.of("GET", "/orders/1");

    assertEquals(1_767_268_799L, verdict.nowEpochSeconds());
    Decision before = verdict.decide("shop.http", request, reader);
    assertEquals("`when` is false", before.reason(), before::toString);
    clock.advance(Duration.ofSeconds(1));
    assertTrue(verdict.decide("shop.http", request, reader).allow());
    assertSame(clock, verdict.clock());
  }

  @Test
  void decisionIds_areFormattedWhenRead_asPrefixDashHexSequence_andStable() throws Exception {
    Verdict verdict = Verdict.fromDirectory(RuleFiles.MOLTBOT_RULES, RuleFiles.STRONG_SECRETS);
    Request request = new Request("GET", "/api/bots/b1", Map.of("user-agent", "Mozilla/5.0"), "10.0.0.7");
    Decision[] decisions = new Decision[20];
    for (int i = 0; i < decisions.length; i++) decisions[i] = verdict.decide("moltbot.http", request, READER);
    String prefix = decisions[0].decisionId().substring(0, 13);
    assertTrue(prefix.matches("[0-9a-f]{12}-"), prefix);
    for (int i = 0; i < decisions.length; i++) {
      // Read in reverse order of making: the text depends only on the decision, not on when it is read.
      Decision d = decisions[decisions.length - 1 - i];
      String id = d.decisionId();
      assertEquals(prefix + Long.toHexString(decisions.length - i), id);
      assertEquals(id, d.decisionId());
      assertSame(id, d.decisionId());
    }
    assertEquals(prefix + "1", dev.verdict.vertx.DecisionJson.toJson(decisions[0]).getString("decision_id"));
  }

  @Test
  void unknownPackage_isRefused() throws Exception {
    Verdict verdict = Verdict.fromDirectory(RuleFiles.MOLTBOT_RULES, RuleFiles.STRONG_SECRETS);
    assertThrows(IllegalArgumentException.class,
        () -> verdict.decide("nope.http", Request.of("GET", "/"), Identity.anonymous()));
  }

  @Test
  void reload_ofFixedRules_swapsInTheNewPolicy() throws Exception {
    write(dir, "shop.yaml", POLICY.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    Request request = Request.of("GET", "/orders/1");
    Identity writer = Identity.verified("u2", Set.of("orders:write"), Map.of());
    assertFalse(verdict.decide("shop.http", request, writer).allow());

    write(dir, "shop.yaml", POLICY.formatted("orders:write"));
    CompiledPolicy next = verdict.reload();
    assertSame(next, verdict.policy());
    assertTrue(verdict.decide("shop.http", request, writer).allow());
  }

  @Test
  void reload_ofBrokenRules_keepsTheLastGoodPolicy() throws Exception {
    write(dir, "shop.yaml", POLICY.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    CompiledPolicy good = verdict.policy();

    write(dir, "shop.yaml", POLICY.formatted("orders:read").replace("permission:", "permision:"));
    PolicyLoadException e = assertThrows(PolicyLoadException.class, verdict::reload);
    assertTrue(e.diagnostics().stream().anyMatch(d -> d.code().equals("unknown_key")), e::getMessage);
    assertSame(good, verdict.policy());
    Identity reader = Identity.verified("u1", Set.of("orders:read"), Map.of());
    assertTrue(verdict.decide("shop.http", Request.of("GET", "/orders/1"), reader).allow());
  }
}
