package dev.verdict.bench;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.eval.NormalizedPath;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a decision's risk time goes, for the hot request ({@code GET /api/bots/b1} from 10.x in a
 * browser, scope built once in setup):
 *
 * <ul>
 *   <li>{@link #allSignals}: the Moltbot policy's four signals evaluated in one loop over one call
 *       site, as {@code Evaluator} does; compare with the sum of the single-signal figures of
 *       {@link SignalBenchmark}, each measured alone.
 *   <li>{@link #scriptedClientVariant}: the {@code scripted_client} signal as written (three
 *       {@code lower(userAgent) contains ...} terms) against one such term and against three terms
 *       without {@code lower()}, compiled by {@link PolicyCompiler} from a rule file written to a
 *       temporary directory in setup. These variants are experiments, not proposed rules.
 * </ul>
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar RiskSignalsBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RiskSignalsBenchmark {

  /** A fixed decision time (epoch seconds): the benchmark measures deciding, not reading a clock. */
  private static final long NOW = 1_767_268_800L;

  static Request hotRequest() {
    return Moltbot.allowedRead();
  }

  static ExpressionScope scopeFor(CompiledPackage pkg, Request request, Identity identity) {
    NormalizedPath path = NormalizedPath.of(request.path());
    RouteMatch match = pkg.routes().match(request.method(), path.segments());
    return new ExpressionScope(request, path.path(), match.params(), identity, pkg.data(), NOW);
  }

  /** The Moltbot signals and the hot request's scope. */
  @State(Scope.Benchmark)
  public static class Moltbot4 {
    Signal[] signals;
    ExpressionScope scope;

    @Setup
    public void load() throws Exception {
      CompiledPackage pkg = Moltbot.policy().packageNamed(Moltbot.PACKAGE);
      signals = pkg.signals().toArray(Signal[]::new);
      scope = scopeFor(pkg, hotRequest(), Moltbot.alice());
    }
  }

  /** One variant of the {@code scripted_client} expression, compiled from a throw-away rule file. */
  @State(Scope.Benchmark)
  public static class Variant {

    @Param({"three_lower_contains", "one_lower_contains", "three_plain_contains"})
    public String variant;

    Expression expression;
    ExpressionScope scope;

    @Setup
    public void load() throws Exception {
      String source = switch (variant) {
        // Exactly the Moltbot signal.
        case "three_lower_contains" -> "lower(userAgent) contains 'curl' || lower(userAgent) contains 'python-requests'"
            + " || lower(userAgent) contains 'wget' ? 30 : 0";
        case "one_lower_contains" -> "lower(userAgent) contains 'curl' ? 30 : 0";
        case "three_plain_contains" -> "userAgent contains 'curl' || userAgent contains 'python-requests'"
            + " || userAgent contains 'wget' ? 30 : 0";
        default -> throw new IllegalArgumentException(variant);
      };
      String yaml = String.join("\n",
          "package: bench.variants",
          "risk:",
          "  signals:",
          "    variant: \"" + source + "\"",
          "routes:",
          "  - id: health",
          "    path: /health",
          "    methods: [GET]",
          "    public: true",
          "");
      Path dir = Files.createTempDirectory("verdict-bench-rules");
      Path file = dir.resolve("variants.yaml");
      try {
        Files.writeString(file, yaml);
        CompiledPackage variants = PolicyCompiler.create(name -> "x".repeat(64)).compileDirectory(dir)
            .packageNamed("bench.variants");
        expression = variants.signals().get(0).expression();
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
      CompiledPackage pkg = Moltbot.policy().packageNamed(Moltbot.PACKAGE);
      scope = scopeFor(pkg, hotRequest(), Moltbot.alice());
      System.out.println(variant + ": `" + expression.source() + "` = " + expression.evaluate(scope));
    }
  }

  @Benchmark
  public int allSignals(Moltbot4 state) {
    int score = 0;
    for (Signal s : state.signals) {
      score += ((Number) s.expression().evaluate(state.scope)).intValue();
    }
    return score;
  }

  @Benchmark
  public Object scriptedClientVariant(Variant state) {
    return state.expression.evaluate(state.scope);
  }
}
