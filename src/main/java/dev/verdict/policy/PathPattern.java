package dev.verdict.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed route path pattern: literal segments, {@code {name}} (one segment, captured),
 * {@code *} (one segment) and a trailing {@code **} (zero or more segments).
 */
public final class PathPattern {

  /** Segment kinds, most specific first; {@link #rank()} orders them for "most specific wins". */
  public enum Kind {
    LITERAL(3), PARAM(2), STAR(1), DOUBLE_STAR(0);

    private final int rank;

    Kind(int rank) {
      this.rank = rank;
    }

    public int rank() {
      return rank;
    }
  }

  /** @param value the literal text, or the parameter name, or {@code null} */
  public record Segment(Kind kind, String value) {}

  private final String source;
  private final List<Segment> segments;
  private final boolean endsWithDoubleStar;

  public PathPattern(String source, List<Segment> segments) {
    this.source = source;
    this.segments = List.copyOf(segments);
    this.endsWithDoubleStar = !segments.isEmpty() && segments.get(segments.size() - 1).kind() == Kind.DOUBLE_STAR;
    for (int i = 0; i < segments.size() - 1; i++) {
      if (segments.get(i).kind() == Kind.DOUBLE_STAR) {
        throw new IllegalArgumentException("`**` must be the last segment: " + source);
      }
    }
  }

  public String source() {
    return source;
  }

  public List<Segment> segments() {
    return segments;
  }

  public boolean endsWithDoubleStar() {
    return endsWithDoubleStar;
  }

  /** The shape without parameter names: two patterns with the same shape match the same paths. */
  public String shape() {
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      sb.append('/').append(switch (s.kind()) {
        case LITERAL -> s.value();
        case PARAM -> "{}";
        case STAR -> "*";
        case DOUBLE_STAR -> "**";
      });
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  /** Whether this pattern matches the given normalised path segments. The reference definition. */
  public boolean matches(String[] path) {
    int fixed = endsWithDoubleStar ? segments.size() - 1 : segments.size();
    if (endsWithDoubleStar ? path.length < fixed : path.length != fixed) return false;
    for (int i = 0; i < fixed; i++) {
      Segment s = segments.get(i);
      if (s.kind() == Kind.LITERAL && !s.value().equals(path[i])) return false;
    }
    return true;
  }

  /** Parameter values captured from a path this pattern matches. */
  public Map<String, String> params(String[] path) {
    Map<String, String> params = null;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.kind() == Kind.PARAM) {
        if (params == null) params = new HashMap<>(4);
        params.put(s.value(), path[i]);
      }
    }
    return params == null ? Map.of() : params;
  }

  /**
   * Orders two patterns that match the same path: compared segment by segment from the left,
   * literal &gt; {@code {param}} &gt; {@code *} &gt; {@code **}, and a pattern that has ended
   * (matched the whole path exactly) beats one still offering {@code **}. Positive when
   * {@code this} is more specific.
   */
  public int compareSpecificity(PathPattern other) {
    int n = Math.max(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      int a = i < segments.size() ? segments.get(i).kind().rank() : END_RANK;
      int b = i < other.segments.size() ? other.segments.get(i).kind().rank() : END_RANK;
      if (a != b) return Integer.compare(a, b);
    }
    return 0;
  }

  private static final int END_RANK = 4;

  /**
   * Whether every path {@code other} matches is also matched by this pattern. Used at load time
   * to find routes that a deny route makes unreachable.
   */
  public boolean covers(PathPattern other) {
    List<Segment> mine = segments;
    List<Segment> theirs = other.segments;
    for (int i = 0; i < mine.size(); i++) {
      Kind k = mine.get(i).kind();
      if (k == Kind.DOUBLE_STAR) return true; // everything from here on, including nothing
      if (i >= theirs.size()) return false;
      Segment t = theirs.get(i);
      if (t.kind() == Kind.DOUBLE_STAR) return false; // they also match paths that end here
      if (k == Kind.LITERAL && !(t.kind() == Kind.LITERAL && t.value().equals(mine.get(i).value()))) return false;
    }
    return theirs.size() == mine.size();
  }

  /** Parameter names in order, for diagnostics and docs. */
  public List<String> paramNames() {
    List<String> names = new ArrayList<>();
    for (Segment s : segments) if (s.kind() == Kind.PARAM) names.add(s.value());
    return names;
  }

  @Override
  public String toString() {
    return source;
  }
}
