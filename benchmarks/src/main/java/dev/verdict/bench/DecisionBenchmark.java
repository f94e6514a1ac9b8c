package dev.verdict.bench;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.eval.Evaluator;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision on the Moltbot policy ({@code rules/moltbot.yaml}) for an already verified
 * identity: path normalisation, deny and allow route matching, the four risk signals, permissions
 * and the {@code when} condition, as {@link Evaluator#decide} does them. Token verification is not
 * included.
 *
 * <ul>
 *   <li>{@link #mixedDecision}: 64 precomputed requests (reads, messages, denied admin and
 *       {@code /api/v0} calls, health checks; office and outside addresses; browsers, curl,
 *       python-requests and no user agent), stepped with a cursor.
 *   <li>{@link #allowedReadDecision}: always {@code GET /api/bots/b1} from 10.x in a browser, the
 *       steady hot path.
 *   <li>{@link #publicHealthDecision}: {@code GET /health}, a public route (no identity, no risk).
 * </ul>
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar DecisionBenchmark
 * }</pre>
 * The rules are read from {@code ../rules} (or {@code rules} when run from the repository root);
 * {@code -Dverdict.rules=<dir>} before {@code -jar} overrides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {

  /** A fixed decision time (epoch seconds): the benchmark measures deciding, not reading a clock. */
  private static final long NOW = 1_767_268_800L;

  static final int REQUESTS = 64;
  static final int MASK = REQUESTS - 1;

  CompiledPackage pkg;
  String revision;
  Identity identity;
  Request[] requests;
  Request allowedRead;
  Request health;

  /** The position in {@link #requests}, one per thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void load() throws Exception {
    CompiledPolicy policy = Moltbot.policy();
    pkg = policy.packageNamed(Moltbot.PACKAGE);
    revision = policy.revision();
    identity = Moltbot.alice();
    requests = Moltbot.mix(REQUESTS);
    allowedRead = Moltbot.allowedRead();
    health = Moltbot.health();

    // A benchmark of the wrong answer measures nothing: check the inputs decide as intended.
    expect(allowedRead, Outcome.ALLOW, "read-bots");
    expect(health, Outcome.ALLOW, "health");
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    for (Request r : requests) {
      Decision d = Evaluator.decide(pkg, r, identity, NOW, "bench-id", revision);
      if (!d.errors().isEmpty()) throw new IllegalStateException(r + " -> " + d);
      outcomes.merge(d.outcome(), 1, Integer::sum);
    }
    System.out.println("mix of " + REQUESTS + " requests decides as " + outcomes);
  }

  private void expect(Request r, Outcome outcome, String rule) {
    Decision d = Evaluator.decide(pkg, r, identity, NOW, "bench-id", revision);
    if (d.outcome() != outcome || !rule.equals(d.rule())) {
      throw new IllegalStateException(r.method() + " " + r.path() + " decided " + d + ", expected " + outcome);
    }
  }

  @Benchmark
  public Decision mixedDecision(Cursor cursor) {
    return Evaluator.decide(pkg, requests[cursor.next++ & MASK], identity, NOW, "bench-id", revision);
  }

  @Benchmark
  public Decision allowedReadDecision() {
    return Evaluator.decide(pkg, allowedRead, identity, NOW, "bench-id", revision);
  }

  @Benchmark
  public Decision publicHealthDecision() {
    return Evaluator.decide(pkg, health, identity, NOW, "bench-id", revision);
  }
}
