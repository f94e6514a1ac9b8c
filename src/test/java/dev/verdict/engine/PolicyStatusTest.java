package dev.verdict.engine;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status, listeners, in-memory sources and readiness of the embedding facade. */
class PolicyStatusTest {

  @TempDir
  Path dir;

  static final String SHOP = """
      package: shop.http
      identity:
        algorithms: [HS256]
        secret: ${env:SHOP_SECRET}
      routes:
        - id: read-orders
          path: /orders/**
          methods: [GET]
          permission: %s
      """;

  private static final Identity READER = Identity.verified("u1", Set.of("orders:read"), Map.of());

  /** Records what listeners are told, in order. */
  static final class Events implements PolicyListener {
    final List<String> seen = new ArrayList<>();

    @Override
    public synchronized void activated(CompiledPolicy policy, CompiledPolicy previous) {
      seen.add("activated " + policy.revision() + " after " + (previous == null ? "none" : previous.revision()));
    }

    @Override
    public synchronized void failed(PolicyLoadException problems) {
      seen.add("failed " + problems.diagnostics().get(0).code());
    }

    @Override
    public synchronized void unchanged(CompiledPolicy active) {
      seen.add("unchanged " + active.revision());
    }
  }

  @Test
  void firstLoad_isReady_withRevisionFilesPackagesAndActivationTime() throws Exception {
    write(dir, "shop.yaml", SHOP.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    PolicyStatus status = verdict.status();
    assertTrue(status.ready());
    assertTrue(verdict.isReady());
    assertEquals(verdict.policy().revision(), status.revision());
    assertEquals(List.of("shop.http"), status.packages());
    assertEquals(1, status.files().size());
    assertTrue(status.files().get(0).endsWith("shop.yaml"), status.files()::toString);
    assertNotNull(status.activatedAt());
    assertEquals(1, status.activations());
    assertEquals(0, status.failures());
    assertEquals(PolicyStatus.Result.ACTIVATED, status.lastReload().result());
    assertNull(status.lastError());
  }

  @Test
  void unloaded_isNotReady_decidesNothing_untilAReloadSucceeds() throws Exception {
    write(dir, "shop.yaml", SHOP.formatted("orders:read").replace("permission:", "permision:"));
    Verdict verdict = Verdict.unloaded(dir, RuleFiles.STRONG_SECRETS);
    assertFalse(verdict.isReady());
    assertNull(verdict.status().revision());
    assertTrue(verdict.policy().packages().isEmpty());
    assertThrows(IllegalArgumentException.class,
        () -> verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER));

    assertThrows(PolicyLoadException.class, verdict::reload);
    assertFalse(verdict.isReady(), "a broken first load activates nothing");
    assertEquals(1, verdict.status().failures());
    assertTrue(verdict.status().lastError().problems().stream().anyMatch(d -> d.code().equals("unknown_key")));

    write(dir, "shop.yaml", SHOP.formatted("orders:read"));
    verdict.reload();
    assertTrue(verdict.isReady());
    assertTrue(verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER).allow());
  }

  @Test
  void brokenEdit_keepsLastGood_statusNamesTheProblem_andTheFixActivates() throws Exception {
    write(dir, "shop.yaml", SHOP.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    Events events = new Events();
    verdict.addListener(events);
    String good = verdict.policy().revision();

    write(dir, "shop.yaml", SHOP.formatted("orders:read") + "  - id: broken\n    path: /x/**/y\n");
    assertThrows(PolicyLoadException.class, verdict::reload);
    PolicyStatus failed = verdict.status();
    assertEquals(good, failed.revision(), "the last good policy keeps deciding");
    assertTrue(failed.ready());
    assertEquals(PolicyStatus.Result.FAILED, failed.lastReload().result());
    String problem = failed.lastError().problems().get(0).toString();
    assertTrue(problem.matches(".*shop\\.yaml:\\d+:\\d+: error\\[\\w+\\]: .*"), problem);
    assertTrue(verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER).allow());

    write(dir, "shop.yaml", SHOP.formatted("orders:write"));
    CompiledPolicy fixed = verdict.reload();
    PolicyStatus now = verdict.status();
    assertEquals(fixed.revision(), now.revision());
    assertNotEquals(good, now.revision());
    assertEquals(PolicyStatus.Result.ACTIVATED, now.lastReload().result());
    assertEquals(2, now.activations());
    assertEquals(1, now.failures());
    assertNotNull(now.lastError(), "the refused reload stays explained after the fix");
    assertEquals(List.of("failed " + failed.lastError().problems().get(0).code(),
        "activated " + fixed.revision() + " after " + good), events.seen);
  }

  @Test
  void reloadOfUnchangedRules_swapsNothing_andSaysSo() throws Exception {
    write(dir, "shop.yaml", SHOP.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    Events events = new Events();
    verdict.addListener(events);
    CompiledPolicy before = verdict.policy();
    assertSame(before, verdict.reload());
    assertSame(before, verdict.policy());
    assertEquals(PolicyStatus.Result.UNCHANGED, verdict.status().lastReload().result());
    assertEquals(1, verdict.status().activations());
    assertEquals(List.of("unchanged " + before.revision()), events.seen, "nothing activated, nothing failed");
  }

  @Test
  void changedSecretFile_alone_isANewRevision() throws Exception {
    write(dir, "secret.txt", "s".repeat(64));
    write(dir, "shop.yaml", SHOP.formatted("orders:read").replace("${env:SHOP_SECRET}", "file:secret.txt"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    String before = verdict.policy().revision();
    write(dir, "secret.txt", "t".repeat(64));
    verdict.reload();
    assertNotEquals(before, verdict.policy().revision(), "new key material is a new policy");
  }

  @Test
  void reload_keepsThePackagesOfUnchangedFiles_asTheSameObjects() throws Exception {
    write(dir, "secret.txt", "s".repeat(64));
    write(dir, "shop.yaml", SHOP.formatted("orders:read").replace("${env:SHOP_SECRET}", "file:secret.txt"));
    write(dir, "billing.yaml", SHOP.formatted("orders:read").replace("shop.http", "billing.http"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    var shop = verdict.policy().packageNamed("shop.http");
    var billing = verdict.policy().packageNamed("billing.http");

    write(dir, "billing.yaml", SHOP.formatted("orders:write").replace("shop.http", "billing.http"));
    verdict.reload();
    assertSame(shop, verdict.policy().packageNamed("shop.http"), "an untouched file's package is kept as it is");
    assertNotEquals(billing, verdict.policy().packageNamed("billing.http"));
    assertFalse(verdict.decide("billing.http", Request.of("GET", "/orders/1"), READER).allow());

    write(dir, "secret.txt", "t".repeat(64)); // the rule file is unchanged, but its key is not
    verdict.reload();
    assertNotEquals(shop, verdict.policy().packageNamed("shop.http"));
    assertEquals("t".repeat(64), verdict.policy().packageNamed("shop.http").identity().issuers().get(0).hmacSecret());
  }

  @Test
  void inMemorySources_loadAndReplace_withDiagnosticsNamingTheSource() throws Exception {
    Verdict verdict = Verdict.fromSources(Map.of("shop.yaml", SHOP.formatted("orders:read")), RuleFiles.STRONG_SECRETS);
    assertTrue(verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER).allow());

    PolicyLoadException e = assertThrows(PolicyLoadException.class,
        () -> verdict.load(Map.of("shop.yaml", "package: [oops\n")));
    assertTrue(e.diagnostics().get(0).toString().startsWith("shop.yaml:"), e::getMessage);
    assertTrue(verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER).allow());

    verdict.load(Map.of("shop.yaml", SHOP.formatted("orders:write")));
    assertFalse(verdict.decide("shop.http", Request.of("GET", "/orders/1"), READER).allow());
    assertThrows(IllegalStateException.class, verdict::reload, "memory sources have no directory to re-read");
  }

  @Test
  void aListenerThatThrows_doesNotStopTheSwapOrTheOtherListeners() throws Exception {
    write(dir, "shop.yaml", SHOP.formatted("orders:read"));
    Verdict verdict = Verdict.fromDirectory(dir, RuleFiles.STRONG_SECRETS);
    verdict.addListener(new PolicyListener() {
      @Override
      public void activated(CompiledPolicy policy, CompiledPolicy previous) {
        throw new IllegalStateException("listener bug");
      }
    });
    Events events = new Events();
    verdict.addListener(events);
    write(dir, "shop.yaml", SHOP.formatted("orders:write"));
    CompiledPolicy next = verdict.reload();
    assertSame(next, verdict.policy());
    assertEquals(1, events.seen.size());
  }
}
