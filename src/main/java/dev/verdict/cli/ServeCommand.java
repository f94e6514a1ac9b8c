package dev.verdict.cli;

import dev.verdict.PolicyLoadException;
import dev.verdict.engine.PolicyListener;
import dev.verdict.engine.RulesWatcher;
import dev.verdict.engine.Verdict;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.sidecar.SidecarServer;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = {
    "Run the sidecar: OPA-compatible Data API, /v1/status, /health and /metrics.",
    "The rules directory is watched and reloaded on every change; a rule set that does not compile is "
        + "reported and not activated, so the last good policy keeps deciding."})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory")
  Path rules;

  @Option(names = "--port", defaultValue = "8181", description = "port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--instances", paramLabel = "N", description = "event-loop instances (default: one per core)")
  Integer instances;

  @Option(names = "--shadow-rules", paramLabel = "DIR", description = {
      "candidate rules evaluated beside the active ones on every request and never enforced; "
          + "disagreements are counted (/metrics, /v1/status) and logged (logger verdict.shadow)"})
  Path shadowRules;

  @Option(names = "--no-watch", description = "load the rules once; do not reload them on change")
  boolean noWatch;

  @Option(names = "--reload-debounce", defaultValue = "100ms", paramLabel = "DURATION",
      converter = Durations.class, description = "quiet time after a change before reloading (default: ${DEFAULT-VALUE})")
  Duration debounce;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Verdict verdict = Verdict.unloaded(rules, System::getenv);
    try {
      verdict.reload();
    } catch (PolicyLoadException e) {
      err.println("verdict: not starting, the rules did not compile:");
      Rules.printProblems(err, e);
      return VerdictCli.PROBLEMS;
    }
    verdict.addListener(reporter("", out, err));
    Verdict candidate = null;
    if (shadowRules != null) {
      candidate = Verdict.unloaded(shadowRules, System::getenv);
      try {
        candidate.reload();
      } catch (PolicyLoadException e) {
        err.println("verdict: shadow rules " + shadowRules + " did not compile; the active rules decide alone until "
            + "they do:");
        Rules.printProblems(err, e);
      }
      candidate.addListener(reporter("shadow ", out, err));
      verdict.shadow(candidate);
    }
    int n = instances != null ? instances : Runtime.getRuntime().availableProcessors();
    SidecarServer.Options options;
    try {
      options = new SidecarServer.Options(host, port, n);
    } catch (IllegalArgumentException e) {
      err.println("verdict: " + e.getMessage());
      return VerdictCli.USAGE;
    }
    List<RulesWatcher> watchers = new ArrayList<>();
    if (!noWatch) {
      RulesWatcher.Options watching = new RulesWatcher.Options(debounce, RulesWatcher.Options.defaults().pollInterval());
      watchers.add(RulesWatcher.start(verdict, watching));
      if (candidate != null) watchers.add(RulesWatcher.start(candidate, watching));
    }
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      SidecarServer.Running running = SidecarServer.start(vertx, verdict, options).await();
      for (CompiledPackage p : verdict.policy().packages()) {
        out.printf("verdict: package %s at http://%s:%d/v1/data/%s%n", p.name(), host, running.port(), p.decisionPath());
      }
      out.printf("verdict: serving %s (revision %s) on http://%s:%d with %d event loops%s%n", rules,
          verdict.policy().revision(), host, running.port(), n, !noWatch ? ", reloading on change" : "");
      if (candidate != null) {
        out.printf("verdict: shadow mode: %s (revision %s) is compared on every request, never enforced%n",
            shadowRules, candidate.policy().revision());
      }
      out.flush();
    } catch (Exception e) {
      err.println("verdict: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      watchers.forEach(RulesWatcher::close);
      vertx.close();
      return VerdictCli.PROBLEMS;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      watchers.forEach(RulesWatcher::close);
      vertx.close().await();
      stopped.countDown();
    }, "verdict-shutdown"));
    stopped.await();
    return VerdictCli.OK;
  }

  private static PolicyListener reporter(String which, PrintWriter out, PrintWriter err) {
    return new PolicyListener() {
      private volatile boolean lastFailed;

      @Override
      public void unchanged(CompiledPolicy active) {
        if (lastFailed) {
          out.printf("verdict: %srules compile again; revision %s is still active%n", which, active.revision());
          out.flush();
        }
        lastFailed = false;
      }

      @Override
      public void activated(CompiledPolicy policy, CompiledPolicy previous) {
        lastFailed = false;
        int files = policy.files().size();
        out.printf("verdict: %srules reloaded: revision %s active (was %s), %d file%s%n", which, policy.revision(),
            previous == null ? "none" : previous.revision(), files, files == 1 ? "" : "s");
        out.flush();
      }

      @Override
      public void failed(PolicyLoadException problems) {
        lastFailed = true;
        synchronized (err) {
          err.printf("verdict: %srules not activated; the last good policy keeps deciding:%n", which);
          Rules.printProblems(err, problems);
        }
      }
    };
  }
}
