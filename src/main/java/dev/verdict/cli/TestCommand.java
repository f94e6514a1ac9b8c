package dev.verdict.cli;

import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policytest.PolicyTestReport;
import dev.verdict.policytest.PolicyTestRunner;
import dev.verdict.rules.PolicyTestReader;
import dev.verdict.rules.PolicyTestSuite;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "test", description = {
    "Run the *.test.yaml policy tests in DIR against the rules in DIR.",
    "Token claims in cases are signed with a throwaway key of the package's algorithm, so no production secret is needed."})
final class TestCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "rules directory holding *.yaml rules and *.test.yaml tests")
  Path dir;

  @Option(names = {"-v", "--verbose"}, description = "also list passing cases")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    CompiledPolicy policy;
    List<PolicyTestSuite> suites;
    try {
      policy = PolicyCompiler.create(PolicyTestRunner.testEnvironment(System::getenv)).compileDirectory(dir);
      suites = PolicyTestReader.read(dir);
    } catch (PolicyLoadException e) {
      Rules.printProblems(out, e);
      return VerdictCli.PROBLEMS;
    }
    if (suites.stream().allMatch(s -> s.cases().isEmpty())) {
      out.println("no test cases (`*.test.yaml`) in " + dir);
      return VerdictCli.PROBLEMS;
    }
    Vertx vertx = Vertx.vertx();
    PolicyTestReport report;
    try {
      report = PolicyTestRunner.run(vertx, policy, suites, System.currentTimeMillis() / 1000).await();
    } finally {
      vertx.close();
    }
    for (PolicyTestReport.CaseResult r : report.results()) {
      if (r.passed()) {
        if (verbose) out.printf("PASS %s: %s%n", r.suite().file(), r.testCase().name());
        continue;
      }
      out.printf("FAIL %s: %s%n", r.testCase().location(), r.testCase().name());
      for (String m : r.mismatches()) out.printf("  %s%n", m);
      if (r.decision() != null && r.decision().reason() != null) out.printf("  (decided: %s)%n", r.decision().reason());
      if (r.decision() != null) r.decision().errors().forEach(e -> out.printf("  error: %s%n", e));
    }
    for (Map.Entry<String, List<CompiledRoute>> e : report.uncovered().entrySet()) {
      out.printf("routes no case exercised in %s: %s%n", e.getKey(),
          String.join(", ", e.getValue().stream().map(CompiledRoute::id).toList()));
    }
    out.println(report.summary());
    return report.failed() == 0 ? VerdictCli.OK : VerdictCli.PROBLEMS;
  }
}
