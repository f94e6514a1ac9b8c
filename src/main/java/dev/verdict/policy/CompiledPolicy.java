package dev.verdict.policy;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A whole compiled rule set. Immutable; swapped atomically as one unit on reload, so every
 * decision is made by exactly one complete policy.
 *
 * @param revision content hash of the rule files (and key files) it was built from; {@code null}
 *                 only for {@link #empty()}
 * @param files    the rule files, in load order
 */
public record CompiledPolicy(String revision, Map<String, CompiledPackage> packagesByPath, List<String> files) {

  private static final CompiledPolicy EMPTY = new CompiledPolicy(null, Map.of(), List.of());

  public CompiledPolicy {
    packagesByPath = Map.copyOf(packagesByPath);
    files = List.copyOf(files);
  }

  /**
   * The policy of a PDP that has not loaded one yet: no packages, so nothing can be allowed, and
   * a {@code null} revision.
   */
  public static CompiledPolicy empty() {
    return EMPTY;
  }

  /** The package at a decision path ({@code moltbot/http}), or {@code null}. */
  public CompiledPackage packageAt(String decisionPath) {
    return packagesByPath.get(decisionPath);
  }

  /** The package named {@code moltbot.http}, or {@code null}. */
  public CompiledPackage packageNamed(String name) {
    return packagesByPath.get(name.replace('.', '/'));
  }

  public Collection<CompiledPackage> packages() {
    return packagesByPath.values();
  }
}
