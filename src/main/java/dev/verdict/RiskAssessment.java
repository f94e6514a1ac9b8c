package dev.verdict;

import java.util.Map;

/**
 * The risk score a request earned and how: each signal's points, summed and clamped to 0..100.
 *
 * @param signals points by signal name, in the order the rule file declares them
 */
public record RiskAssessment(int score, int threshold, Map<String, Integer> signals) {

  public RiskAssessment {
    signals = java.util.Collections.unmodifiableMap(signals);
  }

  /** Step-up is required when the score is strictly above the threshold. */
  public boolean exceedsThreshold() {
    return score > threshold;
  }
}
