package dev.verdict.engine;

import dev.verdict.PolicyLoadException;
import dev.verdict.policy.CompiledPolicy;

/**
 * Told about every policy swap and every refused reload, on the thread that reloaded (a watcher
 * or worker thread, never an event loop). Listeners must return quickly; an exception thrown by
 * one is logged and does not affect the reload or the other listeners.
 */
public interface PolicyListener {

  /**
   * {@code policy} is now active.
   *
   * @param previous the policy it replaced, or {@code null} for the first activation
   */
  default void activated(CompiledPolicy policy, CompiledPolicy previous) {}

  /**
   * A reload compiled to the revision already active (e.g. a broken edit was reverted), so
   * nothing was swapped.
   */
  default void unchanged(CompiledPolicy active) {}

  /** A reload was refused; the previously active policy (if any) keeps deciding. */
  default void failed(PolicyLoadException problems) {}
}
