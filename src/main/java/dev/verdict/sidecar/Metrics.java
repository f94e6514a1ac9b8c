package dev.verdict.sidecar;

import dev.verdict.Outcome;
import dev.verdict.engine.PolicyStatus;
import dev.verdict.engine.Shadow;
import dev.verdict.engine.Verdict;
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

  String render(Verdict verdict) {
    PolicyStatus status = verdict.status();
    StringBuilder sb = new StringBuilder(512);
    sb.append("# HELP verdict_decisions_total Decisions made, by outcome.\n");
    sb.append("# TYPE verdict_decisions_total counter\n");
    decisions.forEach((o, n) -> sb.append("verdict_decisions_total{outcome=\"")
        .append(o.name().toLowerCase(Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
    sb.append("# HELP verdict_bad_requests_total Data API requests refused as malformed.\n");
    sb.append("# TYPE verdict_bad_requests_total counter\n");
    sb.append("verdict_bad_requests_total ").append(badRequests.sum()).append('\n');
    if (status.revision() != null) {
      sb.append("# HELP verdict_policy_info The active policy revision.\n");
      sb.append("# TYPE verdict_policy_info gauge\n");
      sb.append("verdict_policy_info{revision=\"").append(status.revision()).append("\"} 1\n");
    }
    sb.append("# HELP verdict_policy_ready 1 while a policy is active.\n");
    sb.append("# TYPE verdict_policy_ready gauge\n");
    sb.append("verdict_policy_ready ").append(status.ready() ? 1 : 0).append('\n');
    sb.append("# HELP verdict_policy_reloads_total Reloads that activated a policy or were refused.\n");
    sb.append("# TYPE verdict_policy_reloads_total counter\n");
    sb.append("verdict_policy_reloads_total{result=\"activated\"} ").append(status.activations()).append('\n');
    sb.append("verdict_policy_reloads_total{result=\"failed\"} ").append(status.failures()).append('\n');
    sb.append("# HELP verdict_policy_last_reload_success 1 if the latest reload compiled, 0 if it was refused.\n");
    sb.append("# TYPE verdict_policy_last_reload_success gauge\n");
    sb.append("verdict_policy_last_reload_success ").append(lastReloadSucceeded(status) ? 1 : 0).append('\n');
    if (status.activatedAt() != null) {
      sb.append("# HELP verdict_policy_activated_timestamp_seconds When the active policy was activated.\n");
      sb.append("# TYPE verdict_policy_activated_timestamp_seconds gauge\n");
      sb.append("verdict_policy_activated_timestamp_seconds ").append(status.activatedAt().getEpochSecond())
          .append('\n');
    }
    Shadow shadow = verdict.shadow();
    if (shadow != null) {
      sb.append("# HELP verdict_shadow_decisions_total Requests also decided by the shadow candidate policy.\n");
      sb.append("# TYPE verdict_shadow_decisions_total counter\n");
      sb.append("verdict_shadow_decisions_total ").append(shadow.compared()).append('\n');
      sb.append("# HELP verdict_shadow_disagreements_total Requests the candidate would have answered differently.\n");
      sb.append("# TYPE verdict_shadow_disagreements_total counter\n");
      sb.append("verdict_shadow_disagreements_total ").append(shadow.disagreements()).append('\n');
      PolicyStatus candidate = shadow.candidate().status();
      sb.append("# HELP verdict_shadow_policy_reloads_total Shadow-candidate reloads that activated or were refused.\n");
      sb.append("# TYPE verdict_shadow_policy_reloads_total counter\n");
      sb.append("verdict_shadow_policy_reloads_total{result=\"activated\"} ").append(candidate.activations()).append('\n');
      sb.append("verdict_shadow_policy_reloads_total{result=\"failed\"} ").append(candidate.failures()).append('\n');
      sb.append("# HELP verdict_shadow_policy_last_reload_success 1 if the candidate's latest reload compiled.\n");
      sb.append("# TYPE verdict_shadow_policy_last_reload_success gauge\n");
      sb.append("verdict_shadow_policy_last_reload_success ").append(lastReloadSucceeded(candidate) ? 1 : 0).append('\n');
    }
    return sb.toString();
  }

  private static boolean lastReloadSucceeded(PolicyStatus status) {
    return status.lastReload() == null || status.lastReload().result() != PolicyStatus.Result.FAILED;
  }
}
