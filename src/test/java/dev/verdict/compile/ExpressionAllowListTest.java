package dev.verdict.compile;

import static dev.verdict.testing.RuleFiles.diagnostics;
import static dev.verdict.testing.RuleFiles.display;
import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Diagnostic;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MVEL is untrusted code: a rule expression may only use the documented variables, property
 * access, literals, operators and the documented functions. Everything else is refused when the
 * rules load, with {@code expression_not_allowed} at the expression, before MVEL ever sees it.
 */
class ExpressionAllowListTest {

  @TempDir
  Path dir;

  /** A package whose single route is guarded by {@code when}; the expression sits on line 9, column 11. */
  private Path policyWithWhen(String expression) throws Exception {
    return write(dir, "guarded.yaml", """
        package: guarded.http
        identity:
          algorithms: [HS256]
          secret: ${env:GUARD_SECRET}
        routes:
          - id: guarded
            path: /things/{id}
            methods: [GET]
            when: %s
        """.formatted(yamlString(expression)));
  }

  private static String yamlString(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      Runtime.getRuntime().exec('id')       | unknown variable `Runtime`
      new java.io.File('/etc/passwd')       | unknown variable `new`
      ip.getClass()                         | method call `.getClass(...)` is not allowed
      token.class                           | property `class` names a java method
      x = 1                                 | character `=` is not allowed (assignment); compare with `==`
      while (true) {}                       | character `{` is not allowed (no blocks or inline maps)
      def f() { 1 }                         | character `{` is not allowed (no blocks or inline maps)
      import java.io.File                   | unknown variable `import`
      System.exit(0)                        | unknown variable `System`
      'a' ~= 'a'                            | operator `~=` is not allowed
      @{ip}                                 | character `@` is not allowed (no templates or projections)
      foreach (x : data) {}                 | character `{` is not allowed (no blocks or inline maps)
      Thread.sleep(1000)                    | unknown variable `Thread`
      foo                                   | unknown variable `foo`
      data.trusted_networks.getClass        | property `getClass` names a java method
      token.?class                          | property `class` names a java method
      userAgent.wait == null                | property `wait` names a java method
      headers.entrySet == null              | property `entrySet` names a java method
      params.clear == null                  | property `clear` names a java method
      token.values == null                  | property `values` names a java method
      userAgent.bytes == null               | property `bytes` names a java method
      token.roles.size > 0                  | property `size` names a java method
      token.System.out == null              | property `System` would name a java class
      token.Runtime == null                 | property `Runtime` would name a java class
      params.keySet == null                 | property `keySet` names a java method
      token.hashCode > 0                    | property `hashCode` names a java method
      exec('id')                            | unknown function `exec`
      ip; ip                                | character `;` is not allowed (one expression only)
      cidr                                  | function `cidr` must be called with arguments
      lower(ip).toString()                  | method call `.toString(...)` is not allowed
      """)
  void forbiddenExpression_isRefusedAtLoad_withExpressionNotAllowed(String expression, String reason) throws Exception {
    // Unknown names are followed by what is allowed instead; the reason is the start of a problem.
    assertTrue(ExpressionValidator.problems(expression).stream().anyMatch(p -> p.startsWith(reason)),
        () -> "validator said " + ExpressionValidator.problems(expression));

    Path file = policyWithWhen(expression);
    List<Diagnostic> problems = diagnostics(dir);
    assertFalse(problems.isEmpty());
    for (Diagnostic d : problems) {
      assertEquals("expression_not_allowed", d.code(), d::toString);
      assertTrue(d.toString().startsWith(display(file) + ":9:11: error[expression_not_allowed]: `when` of route `guarded`: "),
          d::toString);
    }
    assertTrue(problems.stream().anyMatch(d -> d.message().startsWith("`when` of route `guarded`: " + reason)),
        problems::toString);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "cidr(ip, data.trusted_networks) ? true : userAgent == ''",
      "token.bots contains params.botId",
      "headers['x-device-id'] == null",
      "lower(userAgent) contains 'curl'",
      "max(1, 2) > min(3, 4)",
      "user.id == token.sub && method == 'GET'",
      "startsWith(path, '/things') || endsWith(path, '/export')",
      "size(params.id) > 3 ? upper(params.id) == 'ABCD' : false",
      "userAgent == 'Mozilla (x; y)'",
  })
  void documentedExpression_isAccepted_andCompiledIntoTheRoute(String expression) throws Exception {
    assertEquals(List.of(), ExpressionValidator.problems(expression));

    policyWithWhen(expression);
    CompiledRoute route = RuleFiles.compile(dir).packageNamed("guarded.http").routeList().get(0);
    assertNotNull(route.when());
    assertEquals(expression, route.when().source());
    assertEquals(9, route.when().location().line());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Runtime.getRuntime().exec('id')", "new java.io.File('/etc/passwd')", "ip.getClass()"})
  void forbiddenSignal_isRefusedAtLoad_namingTheSignal(String expression) throws Exception {
    Path file = write(dir, "risky.yaml", """
        package: risky.http
        risk:
          signals:
            sneaky: %s
        routes:
          - id: health
            path: /health
            public: true
        """.formatted(yamlString(expression)));
    List<Diagnostic> problems = diagnostics(dir);
    assertFalse(problems.isEmpty());
    for (Diagnostic d : problems) {
      assertTrue(d.toString().startsWith(display(file) + ":4:13: error[expression_not_allowed]: signal `sneaky`: "),
          d::toString);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"'unterminated", "(ip == ''", "ip == '')", "ip ) (", "headers[(ip])", "(ip]"})
  void malformedExpression_isRefusedByTheValidator(String expression) {
    assertFalse(ExpressionValidator.problems(expression).isEmpty());
  }

  @org.junit.jupiter.api.Test
  void overlongExpression_isRefused() {
    String expression = "ip == '" + "a".repeat(ExpressionValidator.MAX_LENGTH) + "'";
    assertEquals(List.of("expression is longer than 2048 characters"), ExpressionValidator.problems(expression));
  }
}
