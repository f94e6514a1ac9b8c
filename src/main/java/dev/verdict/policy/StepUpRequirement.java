package dev.verdict.policy;

import java.util.List;

/**
 * A named step-up requirement, compiled.
 *
 * @param claimsRead distinct top-level token claims, in the order written, the expression reads by name ({@code token.auth_time},
 *                   {@code token['amr']}). When evaluation fails and one of them is absent, the
 *                   requirement is unmet rather than an error: a fresh login can supply the claim,
 *                   as a missing reference leaves an OPA rule undefined instead of failing it.
 */
public record StepUpRequirement(String name, Expression expression, List<String> claimsRead) {

  public StepUpRequirement {
    claimsRead = List.copyOf(claimsRead);
  }
}
