package dev.verdict.cli;

import dev.verdict.PolicyLoadException;
import dev.verdict.engine.Verdict;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.sidecar.SidecarServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Run the sidecar: OPA-compatible Data API, /health and /metrics.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--rules", required = true, paramLabel = "DIR", description = "rules directory")
  Path rules;

  @Option(names = "--port", defaultValue = "8181", description = "port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--instances", paramLabel = "N", description = "event-loop instances (default: one per core)")
  Integer instances;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    Verdict verdict;
    try {
      verdict = Verdict.fromDirectory(rules);
    } catch (PolicyLoadException e) {
      err.println("verdict: not starting, the rules did not compile:");
      Rules.printProblems(err, e);
      return VerdictCli.PROBLEMS;
    }
    int n = instances != null ? instances : Runtime.getRuntime().availableProcessors();
    SidecarServer.Options options;
    try {
      options = new SidecarServer.Options(host, port, n);
    } catch (IllegalArgumentException e) {
      err.println("verdict: " + e.getMessage());
      return VerdictCli.USAGE;
    }
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      SidecarServer.Running running = SidecarServer.start(vertx, verdict, options).await();
      for (CompiledPackage p : verdict.policy().packages()) {
        out.printf("verdict: package %s at http://%s:%d/v1/data/%s%n", p.name(), host, running.port(), p.decisionPath());
      }
      out.printf("verdict: serving %s (revision %s) on http://%s:%d with %d event loops%n", rules,
          verdict.policy().revision(), host, running.port(), n);
      out.flush();
    } catch (Exception e) {
      err.println("verdict: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      vertx.close();
      return VerdictCli.PROBLEMS;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }, "verdict-shutdown"));
    stopped.await();
    return VerdictCli.OK;
  }
}
