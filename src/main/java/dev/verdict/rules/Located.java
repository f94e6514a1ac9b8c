package dev.verdict.rules;

import dev.verdict.SourceLocation;

/** A scalar from a rule file with where it was written, so later stages can point at it. */
public record Located(String value, SourceLocation location) {
  @Override
  public String toString() {
    return value;
  }
}
