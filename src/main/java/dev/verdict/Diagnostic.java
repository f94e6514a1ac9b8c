package dev.verdict;

import java.util.Objects;

/**
 * One problem found while loading rule files.
 *
 * @param code    stable snake_case identifier, for scripts and docs
 * @param message lowercase, no final period, user input in backticks
 */
public record Diagnostic(SourceLocation location, String code, String message) implements Comparable<Diagnostic> {

  public Diagnostic {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public int compareTo(Diagnostic o) {
    int c = location.compareTo(o.location);
    return c != 0 ? c : code.compareTo(o.code);
  }

  /** {@code file:line:col: error[code]: message}, the format editors and CI annotate from. */
  @Override
  public String toString() {
    return location + ": error[" + code + "]: " + message;
  }
}
