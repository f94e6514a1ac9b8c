package dev.verdict.rules;

/**
 * One named step-up requirement as written: a boolean expression about how the user
 * authenticated (for example {@code inList('mfa', token.amr)}), which must hold for the route to
 * allow.
 */
public record StepUpSpec(Located name, Located expression) {}
