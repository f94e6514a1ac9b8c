/**
 * Runs {@code *.test.yaml} policy tests: each case's request is decided by the compiled policy,
 * with its token claims signed by an ephemeral key and verified through the real identity layer,
 * and the decision is compared with what the case expects. Reports failures with a diff and the
 * routes no case exercised.
 *
 * <p>Uses {@code engine} and {@code identity}; contains no policy logic of its own.
 */
package dev.verdict.policytest;
