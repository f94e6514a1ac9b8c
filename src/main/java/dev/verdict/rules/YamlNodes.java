package dev.verdict.rules;

import dev.verdict.Diagnostic;
import dev.verdict.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed reading of a composed YAML node tree, adding a located diagnostic for every mismatch.
 * Shared by the rule-file and policy-test parsers so both report problems the same way.
 */
final class YamlNodes {

  private final String file;
  private final List<Diagnostic> problems;

  YamlNodes(String file, List<Diagnostic> problems) {
    this.file = file;
    this.problems = problems;
  }

  Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(new Diagnostic(at(node), "wrong_type", what + " must be a mapping"));
      return null;
    }
    Map<String, NodeTuple> result = new LinkedHashMap<>();
    for (NodeTuple t : mapping.getValue()) {
      Located key = scalar(t.getKeyNode(), "key");
      if (key == null) continue;
      if (allowed != null && !allowed.contains(key.value())) {
        problems.add(new Diagnostic(key.location(), "unknown_key",
            "unknown key `" + key.value() + "`" + suggestion(key.value(), allowed)));
        continue;
      }
      if (result.putIfAbsent(key.value(), t) != null) {
        problems.add(new Diagnostic(key.location(), "duplicate_key", "duplicate key `" + key.value() + "`"));
      }
    }
    return result;
  }

  Located requiredString(Map<String, NodeTuple> m, Node owner, String key) {
    if (!m.containsKey(key)) {
      problems.add(new Diagnostic(at(owner), "missing_key", "missing key `" + key + "`"));
      return null;
    }
    Located value = scalar(m.get(key).getValueNode(), key);
    if (value != null && value.value().isBlank()) {
      problems.add(new Diagnostic(value.location(), "empty_value", "`" + key + "` must not be empty"));
      return null;
    }
    return value;
  }

  Located optionalString(Map<String, NodeTuple> m, String key) {
    if (!m.containsKey(key)) return null;
    Located value = scalar(m.get(key).getValueNode(), key);
    if (value != null && value.value().isBlank()) {
      problems.add(new Diagnostic(value.location(), "empty_value", "`" + key + "` must not be empty"));
      return null;
    }
    return value;
  }

  Located scalar(Node node, String what) {
    if (!(node instanceof ScalarNode s) || Tag.NULL.equals(node.getTag())) {
      problems.add(new Diagnostic(at(node), "wrong_type", what + " must be a single value"));
      return null;
    }
    return new Located(s.getValue(), at(node));
  }

  List<String> stringList(Node node, String what) {
    if (!(node instanceof SequenceNode seq)) {
      problems.add(new Diagnostic(at(node), "wrong_type", "`" + what + "` must be a list"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Located v = scalar(item, "each item of `" + what + "`");
      if (v != null) out.add(v.value());
    }
    return out;
  }

  boolean bool(Node node, String what) {
    // YAML 1.1 also reads yes/no/on/off as booleans; Boolean.parseBoolean would turn `yes` into
    // false. Only the spelled-out words are accepted, so no value means something unintended.
    if (node instanceof ScalarNode s && Tag.BOOL.equals(node.getTag())) {
      String v = s.getValue().toLowerCase(java.util.Locale.ROOT);
      if (v.equals("true") || v.equals("false")) return v.equals("true");
      problems.add(new Diagnostic(at(node), "wrong_type",
          "`" + what + "` must be `true` or `false`, not `" + s.getValue() + "`"));
      return false;
    }
    problems.add(new Diagnostic(at(node), "wrong_type", "`" + what + "` must be `true` or `false`"));
    return false;
  }

  /** YAML data → immutable Java values (maps, lists, strings, longs, doubles, booleans). */
  Map<String, Object> data(Node node) {
    Object value = dataValue(node, 0);
    if (!(value instanceof Map)) {
      problems.add(new Diagnostic(at(node), "wrong_type", "`data` must be a mapping"));
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return map;
  }

  Object dataValue(Node node, int depth) {
    if (depth > 32) {
      problems.add(new Diagnostic(at(node), "too_deep", "`data` is nested more than 32 levels"));
      return null;
    }
    if (node instanceof MappingNode mapping) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (NodeTuple t : mapping.getValue()) {
        Located key = scalar(t.getKeyNode(), "a `data` key");
        if (key == null) continue;
        if (out.containsKey(key.value())) {
          problems.add(new Diagnostic(key.location(), "duplicate_key", "duplicate key `" + key.value() + "`"));
          continue;
        }
        out.put(key.value(), dataValue(t.getValueNode(), depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }
    if (node instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      for (Node item : seq.getValue()) out.add(dataValue(item, depth + 1));
      return Collections.unmodifiableList(out);
    }
    ScalarNode s = (ScalarNode) node;
    Tag tag = s.getTag();
    try {
      if (Tag.NULL.equals(tag)) return null;
      if (Tag.BOOL.equals(tag)) return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
      if (Tag.INT.equals(tag)) return Long.parseLong(s.getValue().replace("_", ""));
      if (Tag.FLOAT.equals(tag)) return Double.parseDouble(s.getValue().replace("_", ""));
    } catch (NumberFormatException e) {
      return s.getValue();
    }
    return s.getValue();
  }

  SourceLocation at(Node node) {
    return at(node.getStartMark());
  }

  SourceLocation at(Mark mark) {
    return mark == null ? SourceLocation.of(file)
        : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
  }

  static Set<String> ordered(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }

  /** {@code "; did you mean `x`?"} when one known word is within two edits, else the choices. */
  static String suggestion(String input, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : known) {
      int d = editDistance(input.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best == null ? "; expected one of " + String.join(", ", known.stream().map(k -> "`" + k + "`").toList())
        : "; did you mean `" + best + "`?";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
