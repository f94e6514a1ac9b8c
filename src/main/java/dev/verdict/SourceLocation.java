package dev.verdict;

/** A place in a rule file; lines and columns count from 1. */
public record SourceLocation(String file, int line, int column) implements Comparable<SourceLocation> {

  public static SourceLocation of(String file) {
    return new SourceLocation(file, 1, 1);
  }

  @Override
  public int compareTo(SourceLocation o) {
    int c = file.compareTo(o.file);
    if (c != 0) return c;
    c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(column, o.column);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
