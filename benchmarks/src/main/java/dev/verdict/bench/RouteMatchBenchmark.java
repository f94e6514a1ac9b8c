package dev.verdict.bench;

import dev.verdict.Request;
import dev.verdict.eval.NormalizedPath;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
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
 * Route matching alone: {@code pkg.routes().match(method, segments)} on the Moltbot policy's
 * allow routes, with the paths already normalised by {@link NormalizedPath#of} in setup.
 *
 * <ul>
 *   <li>{@link #mixedMatch}: the same 64-request mix as {@link DecisionBenchmark}, stepped with a cursor.
 *   <li>{@link #hotMatch}: always {@code GET /api/bots/b1}.
 * </ul>
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar RouteMatchBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteMatchBenchmark {

  static final int REQUESTS = DecisionBenchmark.REQUESTS;
  static final int MASK = REQUESTS - 1;

  RouteMatcher routes;
  String[] methods;
  String[][] segments;
  String hotMethod;
  String[] hotSegments;

  /** The position in the precomputed inputs, one per thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void load() throws Exception {
    CompiledPackage pkg = Moltbot.policy().packageNamed(Moltbot.PACKAGE);
    routes = pkg.routes();
    Request[] mix = Moltbot.mix(REQUESTS);
    methods = new String[REQUESTS];
    segments = new String[REQUESTS][];
    for (int i = 0; i < REQUESTS; i++) {
      methods[i] = mix[i].method();
      segments[i] = NormalizedPath.of(mix[i].path()).segments();
    }
    Request hot = Moltbot.allowedRead();
    hotMethod = hot.method();
    hotSegments = NormalizedPath.of(hot.path()).segments();
    RouteMatch m = routes.match(hotMethod, hotSegments);
    if (m == null || !m.route().id().equals("read-bots")) {
      throw new IllegalStateException("GET /api/bots/b1 matched " + m + ", expected read-bots");
    }
  }

  @Benchmark
  public RouteMatch mixedMatch(Cursor cursor) {
    int i = cursor.next++ & MASK;
    return routes.match(methods[i], segments[i]);
  }

  @Benchmark
  public RouteMatch hotMatch() {
    return routes.match(hotMethod, hotSegments);
  }
}
