package dev.verdict.eval;

import static dev.verdict.testing.RuleFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.testing.RuleFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Any error while deciding denies, never allows, and says what went wrong (DESIGN.md, "Decision";
 * STYLE.md, habit 3). Expressions here pass the load-time allow-list but misbehave at run time.
 */
class EvaluatorFailClosedTest {

  @TempDir
  Path dir;

  private static final Identity READER = Identity.verified("u1", Set.of("things:read"),
      Map.of("sub", "u1", "team", "blue"));

  /** A package with one signal and one route guarded by {@code things:read} and an optional {@code when}. */
  private CompiledPackage compile(String signal, String when) throws Exception {
    write(dir, "things.yaml", """
        package: things.http
        identity:
          algorithms: [HS256]
          secret: ${env:THINGS_SECRET}
        risk:
          threshold: 80
          signals:
            probe: %s
        routes:
          - id: read-thing
            path: /things/{id}
            methods: [GET]
            permission: things:read
        %s""".formatted(quote(signal), when == null ? "" : "    when: " + quote(when) + "\n"));
    CompiledPolicy policy = RuleFiles.compile(dir);
    return policy.packageNamed("things.http");
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static Decision decide(CompiledPackage pkg) {
    return Evaluator.decide(pkg, new Request("GET", "/things/t1", Map.of("user-agent", "test"), "10.0.0.1"), READER,
        0L, "d-1", "rev");
  }

  private static void assertFailedClosed(Decision d, String errorStart) {
    assertFalse(d.allow(), d::toString);
    assertEquals(Outcome.FORBIDDEN, d.outcome(), d::toString);
    assertEquals(403, d.status());
    assertEquals("Insufficient permissions", d.error());
    assertEquals("read-thing", d.rule());
    assertEquals(1, d.errors().size(), d::toString);
    assertTrue(d.errors().get(0).startsWith(errorStart), d.errors()::toString);
  }

  @Test
  void wellBehavedPolicy_allows_soTheFailuresBelowAreCausedByTheExpressions() throws Exception {
    Decision d = decide(compile("size(token.team) > 3 ? 10 : 0", "token.team == 'blue'"));
    assertTrue(d.allow(), d::toString);
    assertEquals(Map.of("probe", 10), d.risk().signals());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      size(token.missing.x)          | signal `probe` failed: PropertyAccessException
      token.nothing                  | signal `probe` failed: PropertyAccessException
      size(1)                        | signal `probe` failed: PropertyAccessException
      min(userAgent, 1)              | signal `probe` failed: PropertyAccessException
      ip == == ip                    | signal `probe` failed:
      """)
  void signalThatThrows_denies_withTheErrorRecorded(String signal, String error) throws Exception {
    assertFailedClosed(decide(compile(signal, null)), error);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      token.team == 'blue' ? true : 0 | signal `probe` gave a Boolean, not a number
      userAgent                      | signal `probe` gave a String, not a number
      token['nothing']               | signal `probe` gave null, not a number
      """)
  void signalThatIsNotANumber_denies_withTheErrorRecorded(String signal, String error) throws Exception {
    assertFailedClosed(decide(compile(signal, null)), error);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      1 / 0                          | signal `probe` gave Infinity, not a finite number
      0.0 / 0                        | signal `probe` gave NaN, not a finite number
      """)
  void signalThatIsNotAFiniteNumber_denies_ratherThanCountingAsNoRisk(String signal, String error) throws Exception {
    assertFailedClosed(decide(compile(signal, null)), error);
  }

  @Test
  void signalBeyondTheIntRange_stillCountsAsMaximumRisk_andStepsUp() throws Exception {
    // 3e9 points do not fit an int; they must not wrap around into a negative score.
    Decision d = decide(compile("userAgent == 'test' ? 3000000000 : 0", null));
    assertEquals(Outcome.STEP_UP, d.outcome(), d::toString);
    assertEquals(100, d.risk().score());
    assertTrue(d.risk().signals().get("probe") > 100, d.risk()::toString);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      token.team == 'blue' ? 1 : false      | `when` gave a Integer, not true or false
      token.team == 'blue' ? 'true' : false | `when` gave a String, not true or false
      token['nothing']               | `when` gave null, not true or false
      token.missing.x == 1           | `when` failed: PropertyAccessException
      size(1) > 0                    | `when` failed: PropertyAccessException
      """)
  void whenThatIsNotABoolean_orThrows_denies_withTheErrorRecorded(String when, String error) throws Exception {
    assertFailedClosed(decide(compile("0", when)), error);
  }

  @Test
  void failedDecision_keepsTheDecisionIdAndRevision() throws Exception {
    Decision d = decide(compile("size(1)", null));
    assertEquals("d-1", d.decisionId());
    assertEquals("rev", d.policyRevision());
    assertEquals("u1", d.user());
    assertEquals(List.of("things:read"), d.required());
  }
}
