package dev.verdict.rules;

import java.util.List;

/**
 * @param threshold score above which step-up is required (0..100, default 80)
 * @param signals   named MVEL expressions giving points, in file order
 */
public record RiskSpec(int threshold, List<Signal> signals) {

  public static final int DEFAULT_THRESHOLD = 80;

  public RiskSpec {
    signals = List.copyOf(signals);
  }

  public record Signal(Located name, Located expression) {}
}
