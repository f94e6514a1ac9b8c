package dev.verdict.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.PolicyLoadException;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules reached through symbolic links load; links to nothing and link loops are reported, never skipped. */
class SymlinkedRulesTest {

  @TempDir
  Path dir;

  private static final String RULES = "package: shop.http\nroutes:\n  - {id: health, path: /health, public: true}\n";

  @Test
  void symlinkedRulesDirectory_loads() throws Exception {
    RuleFiles.write(dir, "real/shop.yaml", RULES);
    Path link = Files.createSymbolicLink(dir.resolve("rules"), dir.resolve("real"));
    assertEquals(1, RuleFiles.compile(link).packages().size());
  }

  @Test
  void kubernetesConfigMapLayout_loadsTheCurrentCopyOnce() throws Exception {
    // ..2026_12_03/shop.yaml holds the data; ..data points at it; shop.yaml points into ..data
    RuleFiles.write(dir, "..2026_12_03/shop.yaml", RULES);
    Files.createSymbolicLink(dir.resolve("..data"), dir.resolve("..2026_12_03"));
    Files.createSymbolicLink(dir.resolve("shop.yaml"), Path.of("..data/shop.yaml"));
    CompiledPolicy policy = RuleFiles.compile(dir);
    assertEquals(1, policy.packages().size());
    assertEquals(1, policy.files().size());
  }

  @Test
  void symlinkedSubdirectory_isFollowed() throws Exception {
    Path elsewhere = Files.createTempDirectory("verdict-shared-rules");
    try {
      RuleFiles.write(elsewhere, "shop.yaml", RULES);
      Files.createSymbolicLink(dir.resolve("shared"), elsewhere);
      assertEquals(1, RuleFiles.compile(dir).packages().size());
    } finally {
      Files.deleteIfExists(elsewhere.resolve("shop.yaml"));
      Files.deleteIfExists(elsewhere);
    }
  }

  @Test
  void linkToNothing_isADiagnostic() throws Exception {
    RuleFiles.write(dir, "shop.yaml", RULES);
    Files.createSymbolicLink(dir.resolve("gone.yaml"), dir.resolve("missing.yaml"));
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> RuleFiles.compile(dir));
    assertEquals("broken_link", e.diagnostics().get(0).code());
    assertTrue(e.diagnostics().get(0).message().contains("gone.yaml"));
  }

  @Test
  void linkLoop_isADiagnostic_notAHang() throws Exception {
    RuleFiles.write(dir, "shop.yaml", RULES);
    Files.createSymbolicLink(dir.resolve("loop"), dir);
    PolicyLoadException e = assertThrows(PolicyLoadException.class, () -> RuleFiles.compile(dir));
    assertTrue(e.diagnostics().get(0).message().contains("loop"), e.getMessage());
  }
}
