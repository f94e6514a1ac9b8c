package dev.verdict.bench;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.Request;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.compile.RouteMatchers;
import dev.verdict.eval.Evaluator;
import dev.verdict.eval.NormalizedPath;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.RouteMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does matching cost grow with the number of routes? Generated rule files with 10, 1,000 and
 * 10,000 routes (services × resources, `{id}` parameters, a `**` fallback per service and deny
 * routes) are compiled by the real compiler; 1,024 precomputed request paths, spread over all
 * routes and including misses, are stepped with a cursor. {@link #trieMatch} is what decisions
 * use; {@link #linearMatch} is the reference implementation, for contrast; {@link #decision} is a
 * whole decision (no risk signals) on the same policy.
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar RouteScalingBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteScalingBenchmark {

  /** A fixed decision time (epoch seconds): the benchmark measures deciding, not reading a clock. */
  private static final long NOW = 1_767_268_800L;

  private static final int REQUESTS = 1024;
  private static final int MASK = REQUESTS - 1;
  private static final String[] VERBS = GeneratedRoutes.VERBS;

  @Param({"10", "1000", "10000"})
  int routes;

  CompiledPackage pkg;
  String revision;
  RouteMatcher linear;
  String[] methods;
  String[][] segments;
  Request[] requests;
  Identity identity;
  Path dir;

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void generate() throws Exception {
    dir = Files.createTempDirectory("verdict-routes");
    int services = GeneratedRoutes.services(routes);
    Files.writeString(dir.resolve("scale.yaml"), GeneratedRoutes.yaml("scale.http", routes));
    CompiledPolicy policy = PolicyCompiler.create(name -> "x".repeat(64)).compileDirectory(dir);
    pkg = policy.packageNamed("scale.http");
    revision = policy.revision();
    if (pkg.routeList().size() != routes) throw new IllegalStateException("generated " + pkg.routeList().size());
    linear = RouteMatchers.reference(pkg.routeList().stream().filter(r -> !r.deny()).toList());

    Random random = new Random(42);
    methods = new String[REQUESTS];
    segments = new String[REQUESTS][];
    requests = new Request[REQUESTS];
    int hits = 0;
    for (int k = 0; k < REQUESTS; k++) {
      int i = random.nextInt(routes * 2); // about half name a resource that exists
      String method = VERBS[i % VERBS.length];
      String path = "/api/svc" + (i % services) + "/res" + i + "/item" + random.nextInt(1000);
      methods[k] = method;
      segments[k] = NormalizedPath.of(path).segments();
      requests[k] = new Request(method, path, Map.of("user-agent", "bench"), "10.0.0.1");
      if (pkg.routes().match(method, segments[k]) != null) hits++;
    }
    identity = Identity.verified("u", Set.of("read", "p0", "p1", "p2", "p3", "p4", "p5", "p6"), Map.of("sub", "u"));
    Decision sample = Evaluator.decide(pkg, requests[0], identity, NOW, "bench", revision);
    if (sample.outcome() == Outcome.BAD_REQUEST || hits == 0) throw new IllegalStateException("inputs decide nothing");
    System.out.println("\n" + routes + " routes, " + hits + "/" + REQUESTS + " requests match a route");
  }

  @TearDown(Level.Trial)
  public void cleanUp() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public RouteMatch trieMatch(Cursor c) {
    int k = c.next++ & MASK;
    return pkg.routes().match(methods[k], segments[k]);
  }

  @Benchmark
  public RouteMatch linearMatch(Cursor c) {
    int k = c.next++ & MASK;
    return linear.match(methods[k], segments[k]);
  }

  @Benchmark
  public Decision decision(Cursor c) {
    return Evaluator.decide(pkg, requests[c.next++ & MASK], identity, NOW, "bench", revision);
  }
}
