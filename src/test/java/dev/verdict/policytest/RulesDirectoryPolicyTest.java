package dev.verdict.policytest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.rules.PolicyTestReader;
import dev.verdict.rules.PolicyTestSuite;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every {@code rules/*.test.yaml} case as a JUnit test, so {@code mvn test} checks the shipped policy. */
class RulesDirectoryPolicyTest {

  private static final Path RULES = Path.of("rules");
  private static Vertx vertx;
  private static PolicyTestReport report;

  @BeforeAll
  static void run() throws Exception {
    vertx = Vertx.vertx();
    CompiledPolicy policy = PolicyCompiler.create(PolicyTestRunner.testEnvironment(name -> null)).compileDirectory(RULES);
    List<PolicyTestSuite> suites = PolicyTestReader.read(RULES);
    report = PolicyTestRunner.run(vertx, policy, suites, System.currentTimeMillis() / 1000).await();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseInRules_decidesAsExpected() {
    assertTrue(report.results().size() >= 20, "rules/ should hold the Moltbot cases");
    return report.results().stream().map(r -> DynamicTest.dynamicTest(r.testCase().name(),
        () -> assertEquals(List.of(), r.mismatches(), r.testCase().location() + " decided " + r.decision())));
  }

  @Test
  void everyRouteInRules_isExercisedByACase() {
    assertEquals(java.util.Map.of(), report.uncovered());
  }
}
