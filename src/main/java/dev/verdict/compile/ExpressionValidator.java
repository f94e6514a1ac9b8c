package dev.verdict.compile;

import dev.verdict.policy.ExpressionScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Verdict's own allow-list over expression syntax, applied before MVEL sees the text. MVEL's
 * strict typing is not a sandbox (it compiles {@code new java.io.File(..)} and
 * {@code Runtime.getRuntime().exec(..)}), so an expression may only use: the documented variables,
 * property access and indexing on them, literals, comparison / boolean / arithmetic / ternary
 * operators, {@code contains}, and the documented functions. Everything else is refused.
 */
final class ExpressionValidator {

  static final int MAX_LENGTH = 2048;
  static final Set<String> KEYWORDS = Set.of("true", "false", "null", "nil", "empty", "contains");
  /**
   * Reflection names not reachable as members of the values expressions see, refused anyway. The
   * member names themselves (`wait`, `entrySet`, `clear`, `bytes`, ... on strings, numbers, maps and
   * lists) are {@link FastExpressionParser#REFUSED_PROPERTY_NAMES}: one list for both, since MVEL
   * would call such a member instead of reading the data key.
   */
  private static final Set<String> CLASS_PROPERTIES = Set.of("class", "classloader", "module", "forname");
  private static final Set<String> TWO_CHAR_OPERATORS = Set.of("==", "!=", "<=", ">=", "&&", "||", ".?");
  private static final String ONE_CHAR_OPERATORS = "<>!+-*/%?:()[],.";

  private enum Type { IDENT, NUMBER, STRING, OP }

  private record Token(Type type, String text, int offset) {}

  private ExpressionValidator() {}

  /** Problems with {@code source}, each a lowercase message; empty when the expression is allowed. */
  static List<String> problems(String source) {
    List<String> problems = new ArrayList<>();
    if (source.length() > MAX_LENGTH) {
      problems.add("expression is longer than " + MAX_LENGTH + " characters");
      return problems;
    }
    List<Token> tokens = tokenize(source, problems);
    if (!problems.isEmpty()) return problems;
    StringBuilder open = new StringBuilder(); // brackets still open, innermost last
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.type == Type.OP) {
        if (t.text.equals("(") || t.text.equals("[")) {
          open.append(t.text);
          if (open.length() > 32) {
            problems.add("expression nests more than 32 levels");
            return problems;
          }
        } else if (t.text.equals(")") || t.text.equals("]")) {
          char expected = t.text.equals(")") ? '(' : '[';
          if (open.length() == 0 || open.charAt(open.length() - 1) != expected) {
            problems.add("unbalanced brackets: `" + t.text + "` at column " + (t.offset + 1) + " closes nothing");
            return problems;
          }
          open.setLength(open.length() - 1);
        }
        continue;
      }
      if (t.type != Type.IDENT) continue;
      Token prev = i > 0 ? tokens.get(i - 1) : null;
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      boolean property = prev != null && prev.type == Type.OP && (prev.text.equals(".") || prev.text.equals(".?"));
      boolean call = next != null && next.type == Type.OP && next.text.equals("(");
      if (property) {
        if (call) {
          problems.add("method call `." + t.text + "(...)` is not allowed; use a function such as `lower(x)`");
        } else if (Character.isUpperCase(t.text.charAt(0))) {
          // MVEL resolves a capitalised name as a class (`token.System.out`): never a property here.
          problems.add("property `" + t.text + "` would name a java class; read a data key of that name with `['"
              + t.text + "']`");
        } else if (CLASS_PROPERTIES.contains(t.text.toLowerCase(java.util.Locale.ROOT))
            || FastExpressionParser.REFUSED_PROPERTY_NAMES.contains(t.text.toLowerCase(java.util.Locale.ROOT))) {
          problems.add("property `" + t.text + "` names a java method; read a data key of that name with `['" + t.text + "']`");
        }
      } else if (call) {
        if (!Functions.NAMES.contains(t.text)) {
          problems.add("unknown function `" + t.text + "`; functions are "
              + String.join(", ", Functions.NAMES.stream().sorted().map(n -> "`" + n + "`").toList()));
        }
      } else if (!ExpressionScope.VARIABLES.contains(t.text) && !KEYWORDS.contains(t.text)) {
        problems.add(Functions.NAMES.contains(t.text) ? "function `" + t.text + "` must be called with arguments"
            : "unknown variable `" + t.text + "`; expressions can see "
                + String.join(", ", ExpressionScope.VARIABLES.stream().sorted().map(n -> "`" + n + "`").toList()));
      }
    }
    if (open.length() != 0) problems.add("unbalanced brackets: `" + open.charAt(open.length() - 1) + "` is never closed");
    return problems;
  }

  private static List<Token> tokenize(String s, List<String> problems) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int start = i++;
        while (i < s.length() && s.charAt(i) != c) {
          if (s.charAt(i) == '\\') i++;
          i++;
        }
        if (i >= s.length()) {
          problems.add("unterminated string starting at column " + (start + 1));
          return tokens;
        }
        i++;
        tokens.add(new Token(Type.STRING, s.substring(start, i), start));
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        tokens.add(new Token(Type.NUMBER, s.substring(start, i), start));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
        tokens.add(new Token(Type.IDENT, s.substring(start, i), start));
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (TWO_CHAR_OPERATORS.contains(two)) {
          tokens.add(new Token(Type.OP, two, i));
          i += 2;
        } else if (isForbiddenPair(two)) {
          problems.add("operator `" + two + "` is not allowed");
          return tokens;
        } else if (ONE_CHAR_OPERATORS.indexOf(c) >= 0) {
          tokens.add(new Token(Type.OP, String.valueOf(c), i));
          i++;
        } else {
          problems.add("character `" + printable(c) + "` is not allowed" + hint(c));
          return tokens;
        }
      }
    }
    return tokens;
  }

  // Compound assignment, increment, regex match, bit shifts: each either mutates or is not needed.
  private static boolean isForbiddenPair(String two) {
    return switch (two) {
      case "+=", "-=", "*=", "/=", "%=", "++", "--", "~=", "<<", ">>", "::", "->" -> true;
      default -> false;
    };
  }

  private static String hint(char c) {
    return switch (c) {
      case '=' -> " (assignment); compare with `==`";
      case ';' -> " (one expression only)";
      case '{', '}' -> " (no blocks or inline maps)";
      case '@', '$' -> " (no templates or projections)";
      default -> "";
    };
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
