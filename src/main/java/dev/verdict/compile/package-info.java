/**
 * Turns a validated {@link dev.verdict.rules.RuleSet} into an immutable
 * {@link dev.verdict.policy.CompiledPolicy}: path patterns into a trie (with a linear reference
 * twin), MVEL expressions through Verdict's own allow-list and then MVEL's compiler (and, for
 * the subset it can evaluate exactly as MVEL does, into a tree of plain nodes with MVEL as its
 * reference twin), key references resolved.
 *
 * <p>All work that can be done once happens here; nothing in this package runs per request
 * except the matchers and compiled expressions it hands out.
 */
package dev.verdict.compile;
