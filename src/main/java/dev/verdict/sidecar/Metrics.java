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
    StringBuilder sb = new StringBuilder(1024);
    declare(sb, "verdict_decisions_total", "counter", "Decisions made, by outcome.");
    decisions.forEach((o, n) -> sample(sb, "verdict_decisions_total{outcome=\"" + o.name().toLowerCase(Locale.ROOT)
        + "\"}", n.sum()));
    declare(sb, "verdict_bad_requests_total", "counter", "Data API requests refused as malformed.");
    sample(sb, "verdict_bad_requests_total", badRequests.sum());
    if (status.revision() != null) {
      declare(sb, "verdict_policy_info", "gauge", "The active policy revision.");
      sample(sb, "verdict_policy_info{revision=\"" + status.revision() + "\"}", 1);
    }
    declare(sb, "verdict_policy_ready", "gauge", "1 while a policy is active.");
    sample(sb, "verdict_policy_ready", status.ready() ? 1 : 0);
    reloads(sb, "verdict_policy", "", status);
    if (status.activatedAt() != null) {
      declare(sb, "verdict_policy_activated_timestamp_seconds", "gauge", "When the active policy was activated.");
      sample(sb, "verdict_policy_activated_timestamp_seconds", status.activatedAt().getEpochSecond());
    }
    Shadow shadow = verdict.shadow();
    if (shadow != null) {
      declare(sb, "verdict_shadow_decisions_total", "counter", "Requests also decided by the shadow candidate policy.");
      sample(sb, "verdict_shadow_decisions_total", shadow.compared());
      declare(sb, "verdict_shadow_disagreements_total", "counter",
          "Requests the candidate would have answered differently.");
      sample(sb, "verdict_shadow_disagreements_total", shadow.disagreements());
      reloads(sb, "verdict_shadow_policy", "shadow candidate ", shadow.candidate().status());
    }
    return sb.toString();
  }

  /** Reload counters and the last-reload gauge of one policy (active, or shadow candidate). */
  private static void reloads(StringBuilder sb, String prefix, String whose, PolicyStatus status) {
    declare(sb, prefix + "_reloads_total", "counter", "Reloads of the " + whose + "rules that activated a policy or"
        + " were refused.");
    sample(sb, prefix + "_reloads_total{result=\"activated\"}", status.activations());
    sample(sb, prefix + "_reloads_total{result=\"failed\"}", status.failures());
    declare(sb, prefix + "_last_reload_success", "gauge", "1 if the latest reload of the " + whose
        + "rules compiled, 0 if it was refused.");
    boolean succeeded = status.lastReload() == null || status.lastReload().result() != PolicyStatus.Result.FAILED;
    sample(sb, prefix + "_last_reload_success", succeeded ? 1 : 0);
  }

  private static void declare(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder sb, String series, long value) {
    sb.append(series).append(' ').append(value).append('\n');
  }
}
