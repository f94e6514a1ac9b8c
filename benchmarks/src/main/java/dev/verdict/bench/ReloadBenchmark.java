package dev.verdict.bench;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.Outcome;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.engine.PolicyListener;
import dev.verdict.engine.RulesWatcher;
import dev.verdict.engine.Verdict;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
 * Hot reload (issue 5).
 *
 * <ul>
 *   <li>{@link #writeToActivation}: the time from saving a rule file to the new policy deciding,
 *       through the real {@link RulesWatcher} with its default options (change events, 100 ms
 *       debounce): one operation writes the other of two versions of the file the way editors and
 *       ConfigMaps do (a temporary file renamed over it) and waits for the activation. For the
 *       Moltbot policy and for a generated 10,000-route policy.
 *   <li>{@link #decideWhileReloading}: the distribution (JMH sample mode, with percentiles) of a
 *       Moltbot decision taken from {@link Verdict#policy()} each time, with and without a thread
 *       that reloads the same {@link Verdict} back to back, alternating a 10,000-route package
 *       beside Moltbot, so a new policy is compiled and swapped in continuously.
 * </ul>
 *
 * <pre>{@code
 * java -jar target/benchmarks.jar ReloadBenchmark
 * }</pre>
 */
@Fork(1)
public class ReloadBenchmark {

  static final Function<String, String> SECRETS = name -> "x".repeat(64);

  /** A rules directory being watched, and the two versions of the file that is saved. */
  @State(Scope.Benchmark)
  public static class Watched {
    @Param({"moltbot", "10000"})
    public String policy;

    Path dir;
    Path file;
    String[] versions;
    int next;
    Verdict verdict;
    RulesWatcher watcher;
    final BlockingQueue<CompiledPolicy> activations = new LinkedBlockingQueue<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("verdict-reload");
      String text = policy.equals("moltbot") ? Files.readString(Moltbot.rulesDir().resolve("moltbot.yaml"))
          : GeneratedRoutes.yaml("scale.http", Integer.parseInt(policy));
      file = dir.resolve("rules.yaml");
      // Two versions that compile to different revisions: a comment is enough to be a new file.
      versions = new String[] {text + "\n# version a\n", text + "\n# version b\n"};
      Files.writeString(file, versions[0]);
      verdict = Verdict.fromDirectory(dir, SECRETS);
      verdict.addListener(new PolicyListener() {
        @Override
        public void activated(CompiledPolicy policy, CompiledPolicy previous) {
          activations.add(policy);
        }

        @Override
        public void failed(PolicyLoadException problems) {
          throw new IllegalStateException("benchmark rules failed: " + problems.getMessage());
        }
      });
      watcher = RulesWatcher.start(verdict);
      next = 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      watcher.close();
      deleteTree(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 30)
  public CompiledPolicy writeToActivation(Watched w) throws Exception {
    Path temp = w.dir.resolve(".rules.yaml.tmp");
    Files.writeString(temp, w.versions[w.next++ & 1]);
    Files.move(temp, w.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    CompiledPolicy activated = w.activations.poll(60, TimeUnit.SECONDS);
    if (activated == null) throw new IllegalStateException("no activation within 60 s");
    return activated;
  }

  /** Moltbot beside a 10,000-route package, optionally recompiled and swapped without pause. */
  @State(Scope.Benchmark)
  public static class UnderReload {
    @Param({"false", "true"})
    public boolean reloading;

    Path dir;
    Verdict verdict;
    Request request;
    Identity alice;
    Thread reloader;
    volatile boolean stop;
    final AtomicLong reloads = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      dir = Files.createTempDirectory("verdict-under-reload");
      Files.copy(Moltbot.rulesDir().resolve("moltbot.yaml"), dir.resolve("moltbot.yaml"));
      String big = GeneratedRoutes.yaml("scale.http", 10_000);
      Files.writeString(dir.resolve("scale.yaml"), big);
      verdict = Verdict.fromDirectory(dir, SECRETS);
      request = Moltbot.allowedRead();
      alice = Moltbot.alice();
      Decision d = verdict.decide(Moltbot.PACKAGE, request, alice);
      if (d.outcome() != Outcome.ALLOW) throw new IllegalStateException("expected an allow, got " + d);
      if (!reloading) return;
      reloader = new Thread(() -> {
        int i = 0;
        while (!stop) {
          try {
            Files.writeString(dir.resolve("scale.yaml"), big + "\n# " + (i++) + "\n");
            verdict.reload();
            reloads.incrementAndGet();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }, "bench-reloader");
      reloader.setDaemon(true);
      reloader.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      stop = true;
      if (reloader != null) {
        reloader.join();
        System.out.println("\nreloads during the trial: " + reloads.get());
      }
      deleteTree(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Decision decideWhileReloading(UnderReload s) {
    CompiledPolicy policy = s.verdict.policy();
    CompiledPackage pkg = policy.packageNamed(Moltbot.PACKAGE);
    return s.verdict.decide(policy, pkg, s.request, s.alice);
  }

  static void deleteTree(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
