package dev.verdict.sidecar;

import dev.verdict.Outcome;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Decision counters shared by every sidecar verticle, rendered in Prometheus text format. */
final class Metrics {

  private final Map<Outcome, LongAdder> decisions = new EnumMap<>(Outcome.class);
  private final LongAdder badRequests = new LongAdder();

  Metrics() {
    for (Outcome o : Outcome.values()) decisions.put(o, new LongAdder());
  }

  void decided(Outcome outcome) {
    decisions.get(outcome).increment();
  }

  void badRequest() {
    badRequests.increment();
  }

  String render(String revision) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("# HELP verdict_decisions_total Decisions made, by outcome.\n");
    sb.append("# TYPE verdict_decisions_total counter\n");
    decisions.forEach((o, n) -> sb.append("verdict_decisions_total{outcome=\"")
        .append(o.name().toLowerCase(Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
    sb.append("# HELP verdict_bad_requests_total Data API requests refused as malformed.\n");
    sb.append("# TYPE verdict_bad_requests_total counter\n");
    sb.append("verdict_bad_requests_total ").append(badRequests.sum()).append('\n');
    sb.append("# HELP verdict_policy_info The active policy revision.\n");
    sb.append("# TYPE verdict_policy_info gauge\n");
    sb.append("verdict_policy_info{revision=\"").append(revision).append("\"} 1\n");
    return sb.toString();
  }
}
