package dev.verdict.rules;

import java.util.List;

/**
 * Every package read from one rules directory (or set of in-memory sources), validated.
 *
 * @param sources the files read, with their exact content, so a compiled policy can name its revision
 */
public record RuleSet(List<PackageSpec> packages, List<Source> sources) {
  public RuleSet {
    packages = List.copyOf(packages);
    sources = List.copyOf(sources);
  }

  /** One rule file: its display name (as diagnostics show it), its directory for relative paths, and content. */
  public record Source(String name, java.nio.file.Path baseDir, String content) {}
}
