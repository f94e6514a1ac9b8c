/**
 * Reads YAML rule files into a validated, immutable model ({@link dev.verdict.rules.RuleSet}), with a
 * source location on everything a later stage may need to report on.
 *
 * <p>Knows YAML and the rule-file contract; must not know MVEL, Vert.x or HTTP. Expressions and
 * path patterns are carried as located text and checked by the compiler.
 */
package dev.verdict.rules;
