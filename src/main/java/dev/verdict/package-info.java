/**
 * Verdict's vocabulary: the request being decided, the verified identity behind it, the
 * decision and its reasons, and load-time diagnostics. Immutable values only.
 *
 * <p>Depends on nothing but the JDK; every other package depends on this one.
 */
package dev.verdict;
