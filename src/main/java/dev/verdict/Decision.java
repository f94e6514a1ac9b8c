package dev.verdict;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one request, with everything needed to explain it: the outcome, the rule that
 * decided (or {@code null} when none matched), the user, the permissions the rule required, the
 * risk assessment, the step-up requirements it did not meet, a human-readable reason and any errors
 * met while deciding.
 *
 * <p>INVARIANT: {@link #allow()} is true only for {@link Outcome#ALLOW}; every error path of the
 * evaluator produces a deny.
 */
public final class Decision {

  private final Outcome outcome;
  private final String rule;
  private final String user;
  private final List<String> required;
  private final RiskAssessment risk;
  private final List<String> stepUp;
  private final String reason;
  private final List<String> errors;
  private final CharSequence decisionId;
  private final String policyRevision;

  /**
   * @param decisionId the id, as a String or as any immutable character sequence whose
   *                   {@code toString()} gives it: a PDP passes one that formats its id only when
   *                   read, since most decisions in a service are never asked for theirs
   */
  public Decision(Outcome outcome, String rule, String user, List<String> required, RiskAssessment risk,
                  String reason, List<String> errors, CharSequence decisionId, String policyRevision) {
    this(outcome, rule, user, required, risk, null, reason, errors, decisionId, policyRevision);
  }

  /** @param stepUp names of the route's step-up requirements that did not hold; only with {@link Outcome#STEP_UP} */
  public Decision(Outcome outcome, String rule, String user, List<String> required, RiskAssessment risk,
                  List<String> stepUp, String reason, List<String> errors, CharSequence decisionId, String policyRevision) {
    this.outcome = Objects.requireNonNull(outcome, "outcome");
    this.rule = rule;
    this.user = user;
    this.required = required == null ? List.of() : required;
    this.risk = risk;
    this.stepUp = stepUp == null ? List.of() : stepUp;
    if (!this.stepUp.isEmpty() && outcome != Outcome.STEP_UP) {
      throw new IllegalArgumentException("unmet step-up requirements come only with STEP_UP, not " + outcome);
    }
    this.reason = reason;
    this.errors = errors == null ? List.of() : errors;
    this.decisionId = decisionId;
    this.policyRevision = policyRevision;
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean allow() {
    return outcome == Outcome.ALLOW;
  }

  public int status() {
    return outcome.status();
  }

  /** The public error phrase, or {@code null} when allowed. */
  public String error() {
    return outcome.error();
  }

  /** Id of the deciding route, or {@code null} when no route matched. */
  public String rule() {
    return rule;
  }

  /** The verified subject, or {@code null}. */
  public String user() {
    return user;
  }

  public List<String> required() {
    return required;
  }

  /** The risk assessment, or {@code null} when risk was not assessed (public route, no identity). */
  public RiskAssessment risk() {
    return risk;
  }

  /**
   * The route's step-up requirements that did not hold, in the order the rule file lists them;
   * empty unless the outcome is {@link Outcome#STEP_UP} because of them (a risk step-up names none:
   * its reason is the {@link #risk()} score).
   */
  public List<String> stepUp() {
    return stepUp;
  }

  /** Why, in words, for logs and operators; not a stable contract. */
  public String reason() {
    return reason;
  }

  /** Errors met while deciding; non-empty errors always come with a deny. */
  public List<String> errors() {
    return errors;
  }

  public String decisionId() {
    return decisionId == null ? null : decisionId.toString();
  }

  /** Content hash of the policy that made this decision. */
  public String policyRevision() {
    return policyRevision;
  }

  @Override
  public String toString() {
    return "Decision[" + outcome + (rule == null ? "" : " rule=" + rule) + (reason == null ? "" : " reason=" + reason)
        + (stepUp.isEmpty() ? "" : " stepUp=" + stepUp) + (errors.isEmpty() ? "" : " errors=" + errors) + "]";
  }
}
