package dev.verdict.policy;

/**
 * Finds the most specific route for a method and a normalised path. Two implementations exist:
 * an indexed one for speed and a linear reference; they must always agree.
 */
public interface RouteMatcher {

  /**
   * The most specific route whose methods include {@code method} and whose pattern matches
   * {@code path}, or {@code null}.
   *
   * @param path normalised path segments (no empty segments, no dot segments)
   */
  RouteMatch match(String method, String[] path);

  /** How many routes this matcher holds. */
  int size();
}
