package dev.verdict.policy;

/** A named risk signal: an expression giving points. */
public record Signal(String name, Expression expression) {}
