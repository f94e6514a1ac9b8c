package dev.verdict.cli;

import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", description = "Load and compile every rule file in DIR; print every problem as file:line:col.")
final class CheckCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "rules directory")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    try {
      CompiledPolicy policy = PolicyCompiler.create().compileDirectory(dir);
      for (CompiledPackage p : policy.packages()) {
        out.printf("ok: %s: package %s (/v1/data/%s), %d routes, %d risk signals%n", p.file(), p.name(),
            p.decisionPath(), p.routeList().size(), p.signals().size());
      }
      out.printf("revision %s%n", policy.revision());
      return VerdictCli.OK;
    } catch (PolicyLoadException e) {
      Rules.printProblems(out, e);
      return VerdictCli.PROBLEMS;
    }
  }
}
