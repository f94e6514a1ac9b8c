package dev.verdict.policytest;

import dev.verdict.Decision;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.rules.PolicyTestSuite;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a policy-test run.
 *
 * @param uncovered routes that decided no case, by package name, in rule-file order
 */
public record PolicyTestReport(List<CaseResult> results, Map<String, List<CompiledRoute>> uncovered) {

  /** One case: the decision it got and every way that differs from what it expected. */
  public record CaseResult(PolicyTestSuite suite, PolicyTestSuite.Case testCase, Decision decision, List<String> mismatches) {
    public boolean passed() {
      return mismatches.isEmpty();
    }
  }

  public long passed() {
    return results.stream().filter(CaseResult::passed).count();
  }

  public long failed() {
    return results.size() - passed();
  }

  /** The summary line, as {@code opa test} and CI runners read it: {@code N passed, M failed}. */
  public String summary() {
    return passed() + " passed, " + failed() + " failed";
  }
}
