package dev.verdict.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expressions that would escape the sandbox, written as an attacker with write access to a rule
 * file (a shared ConfigMap) would. Each must be refused by `check` and by `serve` at load time,
 * and none may leave a trace: every one of them would create the marker file if it ever ran.
 */
class SandboxEscapeTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "Runtime.getRuntime().exec('touch MARKER') == null",
      "new java.io.File('MARKER').createNewFile()",
      "java.nio.file.Files.createFile(java.nio.file.Path.of('MARKER')) != null",
      "ip.getClass().forName('java.lang.Runtime').getRuntime().exec('touch MARKER') == null",
      "token.class.forName('java.lang.Runtime') == null",
      "new java.io.FileOutputStream('MARKER') == null",
      "System.setProperty('MARKER', 'x') == null",
      "import java.io.File; new File('MARKER').createNewFile()",
      "def f() { new java.io.File('MARKER').createNewFile() }; f()",
      "x = new java.io.File('MARKER'); x.createNewFile()",
      "foreach (p : [1]) { new java.io.File('MARKER').createNewFile() }",
      "@{new java.io.File('MARKER').createNewFile()}",
      "Thread.currentThread().getContextClassLoader() == null",
      "ip.getClass().getClassLoader() == null",
      "org.mvel2.MVEL.eval(\"new java.io.File('MARKER').createNewFile()\") == null",
      "token.System.out.close == null",
      "token.Runtime.getRuntime == null",
  })
  void escapeAttempt_isRefusedByCheckAndServe_withoutSideEffect(String expression) throws Exception {
    Path marker = dir.resolve("MARKER");
    String escaped = expression.replace("MARKER", marker.toString().replace("\\", "/")).replace("\"", "\\\"");
    Path rules = dir.resolve("rules");
    Files.createDirectories(rules);
    Files.writeString(rules.resolve("evil.yaml"), String.join("\n",
        "package: evil.http",
        "routes:",
        "  - id: pwn",
        "    path: /x",
        "    public: true",
        "  - id: gated",
        "    path: /y",
        "    permission: p",
        "    when: \"" + escaped + "\"",
        "identity:",
        "  algorithms: [HS256]",
        "  secret: file:secret",
        ""));
    Files.writeString(rules.resolve("secret"), "s".repeat(40));

    StringWriter out = new StringWriter();
    int check = VerdictCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "check", rules.toString());
    assertEquals(1, check, out.toString());
    assertTrue(out.toString().contains(":9:11: error[expression_not_allowed]") || out.toString().contains(":9:11: error[expression_syntax]"),
        out.toString());

    StringWriter err = new StringWriter();
    int serve = VerdictCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "serve", "--rules", rules.toString(), "--port", "0");
    assertEquals(1, serve, err.toString());
    assertTrue(err.toString().contains("not starting"), err.toString());

    assertFalse(Files.exists(marker), "the expression ran: " + expression);
  }
}
