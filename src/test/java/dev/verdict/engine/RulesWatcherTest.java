package dev.verdict.engine;

import static dev.verdict.testing.RuleFiles.display;
import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload from a real directory: every way a rules directory changes in practice ends in the
 * new policy active, or (for a broken edit) in the last good one still deciding.
 *
 * <p>The waits below are failure detectors, not speed limits: they are generous so a slow,
 * shared machine cannot fail a correct watcher. Reload latency is measured by JMH instead.
 */
class RulesWatcherTest {

  private static final long PATIENCE_SECONDS = 30;
  /** Re-scans far apart, so these tests see the change events themselves, not the safety net. */
  private static final RulesWatcher.Options EVENTS_ONLY = new RulesWatcher.Options(Duration.ofMillis(20),
      Duration.ofMinutes(10));

  @TempDir
  Path dir;

  private RulesWatcher watcher;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  private static final Identity READER = Identity.verified("u1", Set.of("orders:read"), Map.of());
  private static final Identity WRITER = Identity.verified("u2", Set.of("orders:write"), Map.of());

  @AfterEach
  void stop() {
    if (watcher != null) watcher.close();
  }

  private Verdict watch(Path rules, RulesWatcher.Options options) throws Exception {
    Verdict verdict = Verdict.fromDirectory(rules, RuleFiles.STRONG_SECRETS);
    verdict.addListener(new PolicyListener() {
      @Override
      public void activated(CompiledPolicy policy, CompiledPolicy previous) {
        events.add("activated");
      }

      @Override
      public void failed(PolicyLoadException problems) {
        events.add("failed " + problems.diagnostics().get(0).code());
      }
    });
    watcher = RulesWatcher.start(verdict, options);
    return verdict;
  }

  private String nextEvent() throws InterruptedException {
    String event = events.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
    assertNotNull(event, "no reload within " + PATIENCE_SECONDS + " s");
    return event;
  }

  private static String shop(String permission) {
    return PolicyStatusTest.SHOP.formatted(permission);
  }

  private static boolean allows(Verdict verdict, String pkg, Identity who) {
    return verdict.decide(pkg, Request.of("GET", "/orders/1"), who).allow();
  }

  @Test
  void fileRewrittenInPlace_isActivated() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    write(dir, "shop.yaml", shop("orders:write"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
    assertFalse(allows(verdict, "shop.http", READER));
  }

  @Test
  void editorStyleSave_tempFileRenamedOverTheOriginal_isActivated() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    Path temp = write(dir, ".shop.yaml.swp", shop("orders:write"));
    Files.move(temp, dir.resolve("shop.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
  }

  @Test
  void newFileAppearing_inANewSubdirectory_addsItsPackage() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    Files.createDirectories(dir.resolve("teams/billing"));
    write(dir, "teams/billing/billing.yaml", shop("orders:write").replace("shop.http", "billing.http"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "billing.http", WRITER));
    assertTrue(allows(verdict, "shop.http", READER));

    // The new directory is watched from now on too.
    write(dir, "teams/billing/billing.yaml", shop("orders:read").replace("shop.http", "billing.http"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "billing.http", READER));
  }

  @Test
  void fileDeleted_removesItsPackage() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    write(dir, "billing.yaml", shop("orders:write").replace("shop.http", "billing.http"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    Files.delete(dir.resolve("billing.yaml"));
    assertEquals("activated", nextEvent());
    assertNull(verdict.policy().packageNamed("billing.http"));
    assertTrue(allows(verdict, "shop.http", READER));
  }

  @Test
  void lastFileDeleted_isRefused_andTheLastGoodPolicyKeepsDeciding() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    Files.delete(dir.resolve("shop.yaml"));
    assertEquals("failed no_rule_files", nextEvent());
    assertTrue(allows(verdict, "shop.http", READER), "an emptied directory must not take protection down");
  }

  @Test
  void brokenEdit_keepsLastGood_thenTheFixActivates() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    String good = verdict.policy().revision();

    write(dir, "shop.yaml", shop("orders:read").replace("permission:", "permision:"));
    assertTrue(nextEvent().startsWith("failed "));
    assertEquals(good, verdict.policy().revision());
    assertTrue(allows(verdict, "shop.http", READER));
    PolicyStatus status = verdict.status();
    assertEquals(PolicyStatus.Result.FAILED, status.lastReload().result());
    assertTrue(status.lastError().problems().stream().anyMatch(d -> d.code().equals("unknown_key")
        && d.toString().contains("shop.yaml:")), status::toString);

    write(dir, "shop.yaml", shop("orders:write"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
    assertEquals(PolicyStatus.Result.ACTIVATED, verdict.status().lastReload().result());
  }

  /**
   * The layout kubelet gives a ConfigMap volume: the visible names are links into {@code ..data},
   * itself a link to a timestamped directory; an update writes a new directory and renames a new
   * {@code ..data} link over the old one, atomically.
   */
  @Test
  void configMapStyleSymlinkSwap_isActivated() throws Exception {
    Path v1 = write(dir, "..2026_12_03_10_00_00.1/shop.yaml", shop("orders:read")).getParent();
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(dir.resolve("shop.yaml"), Path.of("..data/shop.yaml"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    assertTrue(allows(verdict, "shop.http", READER));

    Path v2 = write(dir, "..2026_12_03_10_05_00.2/shop.yaml", shop("orders:write")).getParent();
    Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    deleteTree(v1);

    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
    assertFalse(allows(verdict, "shop.http", READER));
  }

  @Test
  void withoutChangeEvents_theRescanFindsTheEdit() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, RulesWatcher.Options.polling(Duration.ofMillis(50)));
    write(dir, "shop.yaml", shop("orders:write"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
  }

  @Test
  void withoutChangeEvents_aConfigMapSwapIsFoundByTheRescan() throws Exception {
    Path v1 = write(dir, "..v1/shop.yaml", shop("orders:read")).getParent();
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(dir.resolve("shop.yaml"), Path.of("..data/shop.yaml"));
    Verdict verdict = watch(dir, RulesWatcher.Options.polling(Duration.ofMillis(50)));
    write(dir, "..v2/shop.yaml", shop("orders:read ")); // same text but for a space: other size and file
    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", READER));
  }

  /**
   * A file far beyond the 4 MiB limit (a sparse 3 GiB one: no disk is used) is refused without
   * being read. Read whole, it threw OutOfMemoryError ("Required array size too large") on the
   * watcher thread, which ended it: every later edit, the fix included, was silently ignored.
   */
  @Test
  void hugeFile_isRefusedUnread_andTheWatcherStillSeesTheFix() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    String good = verdict.policy().revision();
    Path huge = dir.resolve("huge.yaml");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(3L << 30);
    }
    assertEquals("failed file_too_large", nextEvent());
    assertEquals(good, verdict.policy().revision());
    assertTrue(allows(verdict, "shop.http", READER));
    assertEquals(display(huge) + ":1:1: error[file_too_large]: rule file is larger than the limit of 4194304 bytes (4 MiB)",
        verdict.status().lastError().problems().get(0).toString());
  }

  @Test
  void hugeFile_thenAGoodEdit_isActivated() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(dir.resolve("huge.yaml").toFile(), "rw")) {
      file.setLength(3L << 30);
    }
    assertEquals("failed file_too_large", nextEvent());
    Files.delete(dir.resolve("huge.yaml"));
    write(dir, "shop.yaml", shop("orders:write"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));
  }

  /** Comments are not counted by the YAML parser's own limit: the size limit is on the file's bytes. */
  @Test
  void fileOverTheLimit_madeOfComments_isRefused() throws Exception {
    write(dir, "shop.yaml", shop("orders:read") + ("#" + "y".repeat(1000) + "\n").repeat(5000));
    assertEquals(List.of(display(dir.resolve("shop.yaml"))
            + ":1:1: error[file_too_large]: rule file is larger than the limit of 4194304 bytes (4 MiB)"),
        RuleFiles.rendered(RuleFiles.diagnostics(dir)));
  }

  /**
   * A directory deleted and created again is a new directory: it must be watched again. The
   * watcher remembered the old one by path and never registered the new one, so edits inside it
   * waited for the re-scan (2 s in `serve`; here, never).
   */
  @Test
  void subdirectoryDeletedAndCreatedAgain_isWatchedAgain() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    write(dir, "teams/billing.yaml", shop("orders:read").replace("shop.http", "billing.http"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    deleteTree(dir.resolve("teams"));
    assertEquals("activated", nextEvent());
    write(dir, "teams/billing.yaml", shop("orders:read").replace("shop.http", "billing.http"));
    assertEquals("activated", nextEvent());
    events.clear();

    write(dir, "teams/billing.yaml", shop("orders:write").replace("shop.http", "billing.http"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "billing.http", WRITER));
  }

  /** The same for the rules directory itself, replaced within one debounce (as `rm -rf rules && cp -r …`). */
  @Test
  void rulesDirectoryDeletedAndCreatedAgain_isWatchedAgain() throws Exception {
    Path rules = dir.resolve("rules");
    write(rules, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(rules, new RulesWatcher.Options(Duration.ofSeconds(1), Duration.ofMinutes(10)));
    deleteTree(rules);
    write(rules, "shop.yaml", shop("orders:write"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", WRITER));

    write(rules, "shop.yaml", shop("orders:read"));
    assertEquals("activated", nextEvent());
    assertTrue(allows(verdict, "shop.http", READER));
  }

  /** A link to a directory elsewhere, once removed, must stop that directory from reloading the rules. */
  @Test
  void removedLinkToAnotherDirectory_isNoLongerWatched() throws Exception {
    Path rules = dir.resolve("rules");
    Path shared = dir.resolve("shared");
    write(rules, "shop.yaml", shop("orders:read"));
    write(shared, "billing.yaml", shop("orders:read").replace("shop.http", "billing.http"));
    Files.createSymbolicLink(rules.resolve("shared"), shared);
    Verdict verdict = watch(rules, EVENTS_ONLY);
    Files.delete(rules.resolve("shared"));
    assertEquals("activated", nextEvent());
    Thread.sleep(500); // any reload still due to the deletion
    PolicyStatus.Reload last = verdict.status().lastReload();

    write(shared, "notes.txt", "written by something else entirely");
    Thread.sleep(1000);
    assertEquals(last, verdict.status().lastReload(), "a write outside the rules directory reloaded them");
  }

  @Test
  void closedWatcher_reloadsNothing() throws Exception {
    write(dir, "shop.yaml", shop("orders:read"));
    Verdict verdict = watch(dir, EVENTS_ONLY);
    watcher.close();
    String revision = verdict.policy().revision();
    write(dir, "shop.yaml", shop("orders:write"));
    assertNull(events.poll(500, TimeUnit.MILLISECONDS));
    assertEquals(revision, verdict.policy().revision());
  }

  private static void deleteTree(Path root) throws Exception {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
