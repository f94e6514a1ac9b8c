package dev.verdict;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that did not compile; carries every problem found, sorted by location. */
public final class PolicyLoadException extends Exception {

  private final List<Diagnostic> diagnostics;

  public PolicyLoadException(List<Diagnostic> diagnostics) {
    super(render(diagnostics));
    this.diagnostics = diagnostics.stream().sorted().toList();
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  private static String render(List<Diagnostic> diagnostics) {
    return diagnostics.size() + " problem(s) in rule files:\n"
        + diagnostics.stream().sorted().map(Diagnostic::toString).collect(Collectors.joining("\n"));
  }
}
