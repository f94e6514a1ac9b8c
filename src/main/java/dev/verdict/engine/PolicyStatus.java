package dev.verdict.engine;

import dev.verdict.Diagnostic;
import java.time.Instant;
import java.util.List;

/**
 * What a PDP is deciding with, and how its last reload went: the answer to "which policy is live,
 * since when, and is the latest edit in?".
 *
 * @param ready          a policy is active (readiness: nothing is decided before the first one)
 * @param revision       content hash of the active policy, or {@code null} before the first
 * @param activatedAt    when the active policy was swapped in, or {@code null}
 * @param files          rule files of the active policy, in load order
 * @param packages       package names of the active policy
 * @param activations    policies activated so far (the first load included)
 * @param failures       reloads refused because the rules did not compile
 * @param lastReload     the latest reload attempt, or {@code null} before any
 * @param lastError      the latest refused reload, kept after a later success so it can be
 *                       explained; or {@code null} when no reload ever failed
 */
public record PolicyStatus(
    boolean ready,
    String revision,
    Instant activatedAt,
    List<String> files,
    List<String> packages,
    long activations,
    long failures,
    Reload lastReload,
    Failure lastError) {

  public PolicyStatus {
    files = List.copyOf(files);
    packages = List.copyOf(packages);
  }

  /** How a reload attempt ended. */
  public enum Result {
    /** A new revision is active. */
    ACTIVATED,
    /** The rules compiled to the revision already active; nothing was swapped. */
    UNCHANGED,
    /** The rules did not compile; the previous policy (if any) still decides. */
    FAILED
  }

  /** One reload attempt. */
  public record Reload(Instant at, Result result, String revision) {}

  /** One refused reload and every problem it reported. */
  public record Failure(Instant at, List<Diagnostic> problems) {
    public Failure {
      problems = List.copyOf(problems);
    }
  }
}
