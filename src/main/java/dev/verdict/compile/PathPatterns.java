package dev.verdict.compile;

import dev.verdict.Diagnostic;
import dev.verdict.policy.PathPattern;
import dev.verdict.policy.PathPattern.Kind;
import dev.verdict.policy.PathPattern.Segment;
import dev.verdict.rules.Located;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses route path patterns, reporting every problem. */
public final class PathPatterns {

  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // Literal segments are matched against normalised paths, so they may only hold what a
  // normalised path segment can hold: no `%`, `;`, `\`, `?`, `#`, braces or control characters.
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,=:@-]+");

  private PathPatterns() {}

  /** The pattern, or {@code null} after adding diagnostics. */
  public static PathPattern parse(Located path, List<Diagnostic> problems) {
    String source = path.value();
    if (!source.startsWith("/")) {
      problems.add(new Diagnostic(path.location(), "invalid_pattern", "path `" + source + "` must start with `/`"));
      return null;
    }
    List<Segment> segments = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String[] parts = source.substring(1).split("/", -1);
    boolean ok = true;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      if (part.isEmpty()) {
        if (last && parts.length == 1) break; // "/" itself
        problems.add(new Diagnostic(path.location(), "invalid_pattern",
            "path `" + source + "` has an empty segment" + (last ? " (trailing `/`)" : "")));
        ok = false;
      } else if (part.equals("**")) {
        if (!last) {
          problems.add(new Diagnostic(path.location(), "invalid_pattern",
              "`**` must be the last segment in `" + source + "`"));
          ok = false;
        }
        segments.add(new Segment(Kind.DOUBLE_STAR, null));
      } else if (part.equals("*")) {
        segments.add(new Segment(Kind.STAR, null));
      } else if (part.startsWith("{") && part.endsWith("}")) {
        String name = part.substring(1, part.length() - 1);
        if (!PARAM_NAME.matcher(name).matches()) {
          problems.add(new Diagnostic(path.location(), "invalid_pattern",
              "parameter `" + part + "` in `" + source + "` needs a name of letters, digits and `_`"));
          ok = false;
        } else if (!names.add(name)) {
          problems.add(new Diagnostic(path.location(), "invalid_pattern",
              "parameter `" + name + "` appears twice in `" + source + "`"));
          ok = false;
        }
        segments.add(new Segment(Kind.PARAM, name));
      } else if (!LITERAL.matcher(part).matches() || part.equals(".") || part.equals("..")) {
        problems.add(new Diagnostic(path.location(), "invalid_pattern",
            "segment `" + part + "` in `" + source + "` is not a plain path segment"
                + " (wildcards are whole segments: `*`, `**`, `{name}`)"));
        ok = false;
      } else {
        segments.add(new Segment(Kind.LITERAL, part));
      }
    }
    return ok ? new PathPattern(source, segments) : null;
  }
}
