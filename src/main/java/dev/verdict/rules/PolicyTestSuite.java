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
   * @param claims      token claims to sign for the case, or {@code null} for no token
   * @param timeClaims  more claims, each {@code now} plus this many seconds (negative: before {@code now})
   * @param rawToken    a token sent exactly as written (e.g. a malformed one), or {@code null}
   * @param now         epoch seconds the case is decided and its token verified at, or {@code null} for
   *                    the time the run started
   */
  public record Case(String name, SourceLocation location, String method, String path, String ip,
                     Map<String, String> headers, Map<String, Object> claims, Map<String, Long> timeClaims,
                     String rawToken, Long now, Expect expect) {
    public Case {
      timeClaims = timeClaims == null ? Map.of() : Map.copyOf(timeClaims);
    }
  }

  /**
   * What must hold; {@code null} fields are not checked. {@code ruleSet} tells "rule: null" from absent.
   *
   * @param stepUp the unmet step-up requirements, in any order ({@code []}: none)
   */
  public record Expect(Boolean allow, Integer status, String error, boolean ruleSet, String rule, Integer score,
                       List<String> stepUp) {}
}
