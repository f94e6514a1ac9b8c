package dev.verdict.cli;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** What the subcommands share: printing load problems and choosing a package. */
final class Rules {

  private Rules() {}

  static void printProblems(PrintWriter out, PolicyLoadException e) {
    for (Diagnostic d : e.diagnostics()) out.println(d);
    out.println(e.diagnostics().size() + " problem" + (e.diagnostics().size() == 1 ? "" : "s") + " found");
    out.flush();
  }

  /** The named package, or the only one; otherwise a usage message naming the choices. */
  static CompiledPackage choose(CompiledPolicy policy, String name) {
    if (name != null) {
      CompiledPackage pkg = policy.packageNamed(name);
      if (pkg == null) throw new IllegalArgumentException("no package `" + name + "`; packages: " + names(policy.packages()));
      return pkg;
    }
    if (policy.packages().size() == 1) return policy.packages().iterator().next();
    throw new IllegalArgumentException("several packages, choose one with --package: " + names(policy.packages()));
  }

  private static String names(java.util.Collection<CompiledPackage> packages) {
    List<String> names = packages.stream().map(CompiledPackage::name).sorted().toList();
    return names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
  }
}
