/**
 * The embedding facade: load a rules directory, hold the active compiled policy, swap it
 * atomically on reload, hand out decisions.
 *
 * <p>Contains no policy logic: it delegates to {@code compile} and {@code eval}.
 */
package dev.verdict.engine;
