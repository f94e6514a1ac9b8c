package dev.verdict.bench;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.eval.NormalizedPath;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import dev.verdict.policy.RouteMatch;
import dev.verdict.policy.Signal;
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
 * One compiled rule expression of the Moltbot policy, evaluated alone, to see which of them a
 * decision's time goes to: each of the four risk signals, and the {@code when} of route
 * {@code send-message} ({@code token.bots contains params.botId}). The input is
 * {@code POST /api/bots/b1/messages} from 10.x in a browser, the scope built once in setup.
 *
 * <p>Run from the repository root:
 * <pre>{@code
 * mvn -B -q install -DskipTests && cd benchmarks && mvn -B -q package && java -jar target/benchmarks.jar SignalBenchmark
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SignalBenchmark {

  /** A fixed decision time (epoch seconds): the benchmark measures deciding, not reading a clock. */
  private static final long NOW = 1_767_268_800L;

  /** A signal name, or {@code when:send-message} for that route's condition. */
  @Param({"untrusted_network", "missing_user_agent", "scripted_client", "sensitive_path", "when:send-message"})
  public String expression;

  Expression compiled;
  ExpressionScope scope;

  @Setup
  public void load() throws Exception {
    CompiledPackage pkg = Moltbot.policy().packageNamed(Moltbot.PACKAGE);
    Identity identity = Moltbot.alice();
    Request request = new Request("POST", "/api/bots/b1/messages",
        java.util.Map.of("user-agent", Moltbot.BROWSER_UA, "accept", "application/json",
            "content-type", "application/json"), "10.1.4.27");
    NormalizedPath path = NormalizedPath.of(request.path());
    RouteMatch match = pkg.routes().match(request.method(), path.segments());
    scope = new ExpressionScope(request, path.path(), match.params(), identity, pkg.data(), NOW);
    if (expression.startsWith("when:")) {
      String id = expression.substring("when:".length());
      CompiledRoute route = pkg.routeList().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
      compiled = route.when();
    } else {
      compiled = pkg.signals().stream().filter(s -> s.name().equals(expression)).map(Signal::expression)
          .findFirst().orElseThrow(() -> new IllegalStateException("no signal " + expression));
    }
    System.out.println(expression + ": `" + compiled.source() + "` = " + compiled.evaluate(scope));
  }

  @Benchmark
  public Object evaluate() {
    return compiled.evaluate(scope);
  }
}
