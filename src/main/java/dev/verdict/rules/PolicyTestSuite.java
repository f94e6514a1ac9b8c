package dev.verdict.rules;

import dev.verdict.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * One {@code *.test.yaml} file: named cases, each a request and the decision expected for it.
 *
 * @param packageName the package the cases are decided by, or {@code null} for "the only one"
 */
public record PolicyTestSuite(String file, Located packageName, List<Case> cases) {

  public PolicyTestSuite {
    cases = List.copyOf(cases);
  }

  /**
   * @param claims    token claims to sign for the case, or {@code null} for no token
   * @param rawToken  a token sent exactly as written (e.g. a malformed one), or {@code null}
   */
  public record Case(String name, SourceLocation location, String method, String path, String ip,
                     Map<String, String> headers, Map<String, Object> claims, String rawToken, Expect expect) {}

  /** What must hold; {@code null} fields are not checked. {@code ruleSet} tells "rule: null" from absent. */
  public record Expect(Boolean allow, Integer status, String error, boolean ruleSet, String rule, Integer score) {}
}
