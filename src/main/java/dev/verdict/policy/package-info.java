/**
 * The compiled, immutable form of a rule set: packages, route matchers, compiled expressions,
 * resolved identity settings. Built by {@code compile}, read by {@code eval}, {@code identity} and
 * the adapters; shared freely across threads.
 *
 * <p>Must not know how it was built: no YAML, no MVEL parsing, no Vert.x.
 */
package dev.verdict.policy;
