package dev.verdict.engine;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.eval.Evaluator;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Shadow mode: a candidate policy decided beside the active one on real traffic and never
 * enforced, so a stricter policy can be rolled out by watching what it would have changed.
 *
 * <p>A <em>disagreement</em> is a request the two policies would answer differently: another
 * {@link dev.verdict.Outcome} (allow, 400, 401 unauthenticated or invalid token, 403 step-up or
 * insufficient permissions), or a candidate that has no package at the decision path the active
 * one answered. Decisions that differ only in the rule or reason that reached the same outcome
 * are agreements. Every disagreement is counted, logged (logger {@code verdict.shadow}, one line
 * with the request summary and both decisions), kept among the {@value #RECENT} most recent, and
 * passed to every {@link #onDisagreement listener}.
 *
 * <p>The candidate decides with its own identity settings: the token is verified for the
 * candidate package by the caller's verifiers, so a candidate that changes issuers or keys is
 * compared honestly. The candidate's decision carries the active decision's id, to correlate the
 * two in logs.
 */
public final class Shadow {

  /** How many recent disagreements {@link #recent()} keeps. */
  public static final int RECENT = 20;

  private static final System.Logger LOG = System.getLogger("verdict.shadow");

  /** Verifies a request's token for a package; the adapters pass their token verifiers. */
  @FunctionalInterface
  public interface IdentitySource {
    CompletionStage<Identity> verify(CompiledPackage pkg, Request request);
  }

  /**
   * One request the two policies answer differently.
   *
   * @param candidate the candidate's decision, or {@code null} when it has no package at {@code decisionPath}
   */
  public record Disagreement(Instant at, String decisionPath, Request request, Decision active, Decision candidate) {

    /**
     * One line for a log: request summary, then both decisions. Control, format and separator
     * characters escaped; each request field cut to {@value Shadow#MAX_FIELD_CHARS} characters.
     */
    public String summary() {
      return "shadow disagreement: " + quote(request.method()) + " " + quote(request.path()) + " ip="
          + quote(request.ip()) + " user=" + quote(active.user()) + " package=" + decisionPath + " active="
          + describe(active) + " candidate=" + (candidate == null ? "no-package" : describe(candidate))
          + " decision_id=" + active.decisionId();
    }

    private static String describe(Decision d) {
      return (d.allow() ? "allow" : "deny") + "(" + d.status() + (d.error() == null ? "" : " " + d.error())
          + (d.rule() == null ? "" : ", rule " + d.rule()) + ", revision " + d.policyRevision() + ")";
    }
  }

  private final Verdict candidate;
  private final Clock clock;
  private final LongAdder compared = new LongAdder();
  private final LongAdder disagreements = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final ArrayDeque<Disagreement> recent = new ArrayDeque<>(RECENT);
  private final List<Consumer<Disagreement>> listeners = new CopyOnWriteArrayList<>();
  /** Whether the last package pair compared shares identity settings; spares a deep compare per request. */
  private volatile IdentityPair lastPair;

  private record IdentityPair(CompiledPackage active, CompiledPackage candidate, boolean same) {}

  Shadow(Verdict candidate, Clock clock) {
    this.candidate = Objects.requireNonNull(candidate, "candidate");
    this.clock = clock;
  }

  /** The candidate PDP (reload or watch it like any other). */
  public Verdict candidate() {
    return candidate;
  }

  /** Requests compared so far. */
  public long compared() {
    return compared.sum();
  }

  /** Requests the two policies answered differently. */
  public long disagreements() {
    return disagreements.sum();
  }

  /** Comparisons abandoned because the candidate's token verification failed unexpectedly. */
  public long failures() {
    return failures.sum();
  }

  /**
   * The most recent disagreements, oldest first. Their requests are kept without headers and with
   * each field cut to {@value #MAX_FIELD_CHARS} characters; listeners see the whole request.
   */
  public List<Disagreement> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** Called (on the deciding thread) for every disagreement; must return quickly. */
  public void onDisagreement(Consumer<Disagreement> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Decides {@code request} with the candidate and compares. Never throws and never changes
   * {@code active}: shadow evaluation must not be able to affect enforcement.
   *
   * @param activePackage the package that made {@code active}
   * @param activeIdentity the identity {@code active} was decided for
   * @param identities verifies the token for the candidate package when its identity settings differ
   */
  public void compare(CompiledPackage activePackage, Request request, Identity activeIdentity, Decision active,
                      IdentitySource identities) {
    try {
      CompiledPolicy policy = candidate.policy();
      CompiledPackage pkg = policy.packageAt(activePackage.decisionPath());
      if (pkg == null) {
        record(new Disagreement(clock.instant(), activePackage.decisionPath(), request, active, null));
        return;
      }
      if (sameIdentitySettings(activePackage, pkg)) {
        decideAndCompare(policy, pkg, request, activeIdentity, active);
        return;
      }
      identities.verify(pkg, request).whenComplete((identity, error) -> {
        if (error != null) {
          failures.increment();
          return;
        }
        decideAndCompare(policy, pkg, request, identity, active);
      });
    } catch (RuntimeException e) {
      failures.increment();
      LOG.log(System.Logger.Level.WARNING, "shadow comparison failed", e);
    }
  }

  private void decideAndCompare(CompiledPolicy policy, CompiledPackage pkg, Request request, Identity identity,
                                Decision active) {
    Decision shadowDecision = Evaluator.decide(pkg, request, identity, clock.instant().getEpochSecond(),
        active.decisionId(), policy.revision());
    if (shadowDecision.outcome() != active.outcome()) {
      record(new Disagreement(clock.instant(), pkg.decisionPath(), request, active, shadowDecision));
    } else {
      compared.increment();
    }
  }

  private void record(Disagreement d) {
    // Counted before anyone can read the new total, so compared() >= disagreements() always holds.
    disagreements.increment();
    compared.increment();
    Disagreement summarised = new Disagreement(d.at(), d.decisionPath(), kept(d.request()), d.active(), d.candidate());
    synchronized (recent) {
      if (recent.size() == RECENT) recent.removeFirst();
      recent.addLast(summarised);
    }
    LOG.log(System.Logger.Level.INFO, d.summary());
    for (Consumer<Disagreement> listener : listeners) {
      try {
        listener.accept(d);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "shadow listener failed", e);
      }
    }
  }

  private boolean sameIdentitySettings(CompiledPackage active, CompiledPackage candidatePackage) {
    IdentityPair pair = lastPair;
    if (pair == null || pair.active() != active || pair.candidate() != candidatePackage) {
      pair = new IdentityPair(active, candidatePackage, Objects.equals(active.identity(), candidatePackage.identity()));
      lastPair = pair;
    }
    return pair.same();
  }

  /**
   * A request field in a log line or the status document: a path with its query, an ip or a
   * method are whatever the caller sent (up to the 1 MiB body), and must neither flood the log
   * nor be kept in full. Longer values keep their first {@value} characters.
   */
  static final int MAX_FIELD_CHARS = 512;

  static String quote(String s) {
    if (s == null) return "null";
    int end = Math.min(s.length(), MAX_FIELD_CHARS);
    if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) end--;
    StringBuilder sb = new StringBuilder(end + 32).append('"');
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (mustEscape(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
    if (end < s.length()) sb.append("...(").append(s.length() - end).append(" more chars)");
    return sb.toString();
  }

  /**
   * Characters a reader of the log could take for a line break or that change how the line reads:
   * C0 and C1 controls (U+0085 is a line break to some tools), line and paragraph separators,
   * format characters (bidirectional overrides such as U+202E reorder what a terminal shows) and
   * unpaired surrogates.
   */
  private static boolean mustEscape(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
        || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c);
  }

  /** As kept among the recent disagreements: no headers (they hold tokens), fields cut to size. */
  private static Request kept(Request r) {
    return new Request(clip(r.method()), clip(r.path()), java.util.Map.of(), clip(r.ip()));
  }

  private static String clip(String s) {
    if (s.length() <= MAX_FIELD_CHARS) return s;
    int end = MAX_FIELD_CHARS;
    if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
    return s.substring(0, end) + "...(" + (s.length() - end) + " more chars)";
  }
}
