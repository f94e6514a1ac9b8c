package dev.verdict.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mvel2.MVEL;
import org.mvel2.Operator;
import org.mvel2.ParserContext;

/**
 * Parses the part of the expression language that {@link FastExpression} evaluates, or says no.
 * Precedence climbing over an AST, then checks that the AST is one MVEL 2.5.2 builds the same
 * way, then nodes. Says no ({@code null}) for anything it is not certain of; the caller then keeps
 * MVEL. Never throws.
 *
 * <p>The subset, after {@link ExpressionValidator} has passed the text and MVEL has compiled it:
 * <ul>
 *   <li>literals: {@code 'text'} and {@code "text"} without backslashes; integers of at most nine
 *       characters ({@code Integer} in MVEL; longer ones are {@code Long}, written {@code 010} octal);
 *       decimals {@code 1.5} ({@code Double}); a {@code -} written against a number literal; {@code true},
 *       {@code false}, {@code null}, {@code nil}; inline lists of such literals. Not {@code empty}.
 *   <li>a root variable followed by {@code .name}, {@code .?name} and {@code [expression]}, written
 *       without spaces, where no {@code name} is a member name of the usual map, list, string or
 *       number classes ({@code size}, {@code empty}, {@code class}, ...) or an MVEL literal.
 *   <li>calls of the {@link Functions} with their number of arguments.
 *   <li>from loosest to tightest binding: {@code ? :} (right to left), {@code ||}, {@code &&},
 *       {@code contains}, {@code == !=}, {@code < > <= >=}, {@code + -}, {@code * / %}, then
 *       {@code !}; parentheses.
 * </ul>
 *
 * <p>MVEL does not build every such AST the standard way; these are refused:
 * <ul>
 *   <li>a run of comparison and arithmetic operators that mixes more than two precedence levels:
 *       MVEL attaches a third level to the wrong node ({@code a == b + c * d * e} becomes
 *       {@code a == ((b + (c * d)) * e)});
 *   <li>two literals (or parentheses around literals), or a literal and a parenthesis, side by
 *       side around any operator: MVEL folds literals before it applies precedence
 *       ({@code x + 'a' contains 'a'} and {@code x + (2) contains 1} add a boolean to {@code x}),
 *       and types a parenthesis statically ({@code (c ? 10 : 20) / 4} divides as integers);
 *   <li>arithmetic whose two operands both have a static type in MVEL (literals, parentheses,
 *       calls, negations, arithmetic over those): MVEL computes a result type from theirs and
 *       then trusts it over the value ({@code 1 * size(x) / 4} divides as integers,
 *       {@code 1 == min(x, 3) - '5'} casts the difference to a String); for the same reason,
 *       {@code +} over a string anywhere but alone ({@code x + '5' * y + 1} concatenates the
 *       sum with 1, {@code x + '5' + y} even when {@code x + '5'} appended to a list);
 *   <li>{@code contains} with an operator expression on either side: MVEL takes exactly one
 *       operand on each side of {@code contains} and lets the rest apply to its result
 *       ({@code x + (2) contains 1} is {@code x + ((2) contains 1)});
 *   <li>{@code &&} or {@code ||} over an operand MVEL types as something other than a boolean
 *       ({@code x && 0}): MVEL refuses it when it compiles it, and compiles a function's
 *       arguments only when first called, so there it fails even where {@code x} is false;
 *   <li>{@code !!x}, which MVEL compiles to plain {@code x}; a unary minus on anything but a
 *       number literal (MVEL's sign node remembers the type of the first value it saw).
 * </ul>
 */
final class FastExpressionParser {

  private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(
      Map.entry("||", 1), Map.entry("&&", 2), Map.entry("contains", 3),
      Map.entry("==", 4), Map.entry("!=", 4),
      Map.entry("<", 5), Map.entry(">", 5), Map.entry("<=", 5), Map.entry(">=", 5),
      Map.entry("+", 6), Map.entry("-", 6), Map.entry("*", 7), Map.entry("/", 7), Map.entry("%", 7));

  private static final Map<String, Integer> MVEL_OPERATORS = Map.ofEntries(
      Map.entry("==", Operator.EQUAL), Map.entry("!=", Operator.NEQUAL),
      Map.entry("<", Operator.LTHAN), Map.entry(">", Operator.GTHAN),
      Map.entry("<=", Operator.LETHAN), Map.entry(">=", Operator.GETHAN),
      Map.entry("+", Operator.ADD), Map.entry("-", Operator.SUB), Map.entry("*", Operator.MULT),
      Map.entry("/", Operator.DIV), Map.entry("%", Operator.MOD));

  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");

  /**
   * MVEL's {@code AbstractParser.LITERALS}: as a property name each resolves to the literal or
   * class, not to a map entry.
   */
  static final Set<String> MVEL_LITERALS = Set.of("true", "false", "null", "nil", "empty", "this",
      "System", "String", "CharSequence", "Integer", "int", "Long", "long", "Boolean", "boolean", "Short", "short",
      "Character", "char", "Double", "double", "Float", "float", "Byte", "byte", "Math", "Void", "Object", "Number",
      "Class", "ClassLoader", "Runtime", "Thread", "Exception", "Array", "StringBuilder");

  /** Lower-cased property names the fast path never reads itself. */
  static final Set<String> REFUSED_PROPERTY_NAMES = refusedPropertyNames();

  private FastExpressionParser() {}

  private static Set<String> refusedPropertyNames() {
    Set<String> names = new HashSet<>();
    List<Class<?>> usual = List.of(Object.class, String.class, Boolean.class, Integer.class, Long.class,
        Double.class, Number.class, Character.class, java.util.HashMap.class, LinkedHashMap.class, TreeMap.class,
        Collections.unmodifiableMap(new LinkedHashMap<>()).getClass(), Collections.emptyMap().getClass(),
        Map.of().getClass(), Map.of("a", 1).getClass(), Map.of("a", 1, "b", 2).getClass(), ArrayList.class,
        LinkedList.class, Collections.unmodifiableList(new ArrayList<>()).getClass(),
        Collections.emptyList().getClass(), List.of().getClass(), List.of(1).getClass(), List.of(1, 2, 3).getClass(),
        Stream.of(1).toList().getClass(), CidrList.class);
    for (Class<?> c : usual) names.addAll(FastNodes.MemberNames.of(c));
    for (String s : MVEL_LITERALS) names.add(s.toLowerCase(Locale.ROOT));
    for (String s : ExpressionValidator.KEYWORDS) names.add(s.toLowerCase(Locale.ROOT));
    for (String s : Functions.NAMES) names.add(s.toLowerCase(Locale.ROOT));
    names.add("length");
    return Set.copyOf(names);
  }

  /** The evaluable tree of {@code source}, or {@code null} when it is outside the fast subset. */
  static FastNodes.Node parse(String source) {
    try {
      List<Token> tokens = tokenize(source);
      Parser parser = new Parser(tokens, source);
      Ast ast = parser.expression();
      if (parser.peek().kind != Kind.END) return null;
      if (!mvelBuildsTheSameTree(ast)) return null;
      if (!mvelCompilesEachPart(parser.compiledOnFirstUse)) return null;
      return build(ast, source.toCharArray());
    } catch (Refused e) {
      return null;
    } catch (RuntimeException e) {
      // INVARIANT: the fast path is an optimisation; when in doubt, MVEL decides.
      return null;
    }
  }

  /** What an expression gives whatever its inputs, as far as its shape says. */
  enum ValueKind { BOOLEAN, NUMBER, STRING, UNKNOWN }

  /**
   * The kind of value {@code source} gives for every input, or {@link ValueKind#UNKNOWN} when that
   * depends on the input (a claim, a data value) or the shape is one MVEL builds its own way. Used
   * for load-time type errors; UNKNOWN leaves the check to run time, where a wrong type denies.
   */
  static ValueKind staticKind(String source) {
    try {
      Parser parser = new Parser(tokenize(source), source);
      Ast ast = parser.expression();
      if (parser.peek().kind != Kind.END || !mvelBuildsTheSameTree(ast)) return ValueKind.UNKNOWN;
      return kindOf(ast);
    } catch (RuntimeException e) {
      return ValueKind.UNKNOWN;
    }
  }

  private static ValueKind kindOf(Ast a) {
    if (a instanceof Paren p) return kindOf(p.inner());
    if (a instanceof Not) return ValueKind.BOOLEAN;
    if (a instanceof Lit l) {
      return l.value() instanceof Boolean ? ValueKind.BOOLEAN : l.value() instanceof Number ? ValueKind.NUMBER
          : l.value() instanceof String ? ValueKind.STRING : ValueKind.UNKNOWN;
    }
    if (a instanceof Cond c) {
      ValueKind then = kindOf(c.then());
      return then == kindOf(c.otherwise()) ? then : ValueKind.UNKNOWN;
    }
    if (a instanceof Call c) {
      return switch (c.name()) {
        case "cidr", "startsWith", "endsWith", "containsAny", "inList" -> ValueKind.BOOLEAN;
        case "size", "min", "max" -> ValueKind.NUMBER;
        case "lower", "upper" -> ValueKind.STRING;
        default -> ValueKind.UNKNOWN;
      };
    }
    if (a instanceof Bin b) {
      switch (b.op()) {
        case "==", "!=", "<", ">", "<=", ">=", "&&", "||", "contains" -> {
          return ValueKind.BOOLEAN;
        }
        case "-", "*", "/", "%" -> {
          return ValueKind.NUMBER;
        }
        default -> {
          ValueKind l = kindOf(b.left());
          ValueKind r = kindOf(b.right());
          if (l == ValueKind.STRING || r == ValueKind.STRING) return ValueKind.STRING;
          return l == ValueKind.NUMBER && r == ValueKind.NUMBER ? ValueKind.NUMBER : ValueKind.UNKNOWN;
        }
      }
    }
    return ValueKind.UNKNOWN;
  }

  // ---- tokens -----------------------------------------------------------------------------------

  private enum Kind { IDENT, NUMBER, STRING, OP, END }

  private record Token(Kind kind, String text, int start, int end, boolean spaceBefore) {
    boolean is(String op) {
      return (kind == Kind.OP || kind == Kind.IDENT) && text.equals(op);
    }
  }

  /** Compile-time refusal; carries no stack trace. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Refused INSTANCE = new Refused();

    private Refused() {
      super(null, null, false, false);
    }
  }

  private static List<Token> tokenize(String s) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    boolean space = false;
    while (i < s.length()) {
      char c = s.charAt(i);
      int start = i;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = true;
        i++;
        continue;
      }
      if (c == '\'' || c == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != c) {
          if (s.charAt(i) == '\\') throw Refused.INSTANCE; // escapes: MVEL's own rules
          i++;
        }
        if (i >= s.length()) throw Refused.INSTANCE;
        i++;
        tokens.add(new Token(Kind.STRING, s.substring(start + 1, i - 1), start, i, space));
      } else if (c >= '0' && c <= '9') {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        tokens.add(new Token(Kind.NUMBER, s.substring(start, i), start, i, space));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
        tokens.add(new Token(Kind.IDENT, s.substring(start, i), start, i, space));
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (Set.of("==", "!=", "<=", ">=", "&&", "||", ".?").contains(two)) {
          i += 2;
          tokens.add(new Token(Kind.OP, two, start, i, space));
        } else if ("<>!+-*/%?:()[],.".indexOf(c) >= 0) {
          i++;
          tokens.add(new Token(Kind.OP, String.valueOf(c), start, i, space));
        } else {
          throw Refused.INSTANCE;
        }
      }
      space = false;
    }
    tokens.add(new Token(Kind.END, "", s.length(), s.length(), space));
    return tokens;
  }

  // ---- AST ----------------------------------------------------------------------------------------

  private sealed interface Ast permits Lit, ListLit, Var, Call, Not, Bin, Cond, Paren {}

  private record Lit(Object value) implements Ast {}

  private record ListLit(List<Object> values) implements Ast {}

  private record Step(String name, boolean nullSafe, Ast key) {}

  private record Var(String root, List<Step> steps, String text) implements Ast {}

  private record Call(String name, List<Ast> arguments, String text) implements Ast {}

  private record Not(Ast operand) implements Ast {}

  private record Bin(String op, Ast left, Ast right) implements Ast {}

  private record Cond(Ast condition, Ast then, Ast otherwise) implements Ast {}

  private record Paren(Ast inner) implements Ast {}

  private static final class Parser {
    private final List<Token> tokens;
    private final String source;
    private int pos;
    /** Function arguments and index keys: MVEL compiles each on its own, at first evaluation. */
    final List<String> compiledOnFirstUse = new ArrayList<>();

    Parser(List<Token> tokens, String source) {
      this.tokens = tokens;
      this.source = source;
    }

    Token peek() {
      return tokens.get(pos);
    }

    Token next() {
      return tokens.get(pos++);
    }

    void expect(String op) {
      if (!next().is(op)) throw Refused.INSTANCE;
    }

    Ast expression() {
      Ast condition = binary(1);
      if (!peek().is("?")) return condition;
      next();
      Ast then = expression();
      expect(":");
      Ast otherwise = expression();
      return new Cond(condition, then, otherwise);
    }

    private Ast binary(int minPrecedence) {
      Ast left = unary();
      while (true) {
        Token t = peek();
        Integer precedence = t.kind == Kind.OP || t.is("contains") ? PRECEDENCE.get(t.text) : null;
        if (precedence == null || precedence < minPrecedence) return left;
        next();
        if (t.is("contains") && (!t.spaceBefore || !peek().spaceBefore)) throw Refused.INSTANCE;
        Ast right = binary(precedence + 1);
        left = new Bin(t.text, left, right);
      }
    }

    private Ast unary() {
      Token t = peek();
      if (t.is("!")) {
        next();
        Ast operand = unary();
        if (operand instanceof Not) throw Refused.INSTANCE; // MVEL compiles !!x to x
        return new Not(operand);
      }
      if (t.is("-")) {
        next();
        Token n = next();
        if (n.kind != Kind.NUMBER || n.spaceBefore) throw Refused.INSTANCE; // MVEL's sign node is stateful
        return new Lit(number("-" + n.text));
      }
      return primary();
    }

    private Ast primary() {
      Token t = next();
      switch (t.kind) {
        case NUMBER:
          return new Lit(number(t.text));
        case STRING:
          return new Lit(t.text);
        case IDENT:
          switch (t.text) {
            case "true":
              return new Lit(Boolean.TRUE);
            case "false":
              return new Lit(Boolean.FALSE);
            case "null":
            case "nil":
              return new Lit(null);
            default:
              break;
          }
          if (Functions.NAMES.contains(t.text)) return call(t);
          if (FastNodes.Variable.named(t.text) != null) return chain(t);
          throw Refused.INSTANCE;
        case OP:
          if (t.is("(")) {
            Ast inner = expression();
            expect(")");
            return new Paren(inner);
          }
          if (t.is("[")) return list();
          throw Refused.INSTANCE;
        default:
          throw Refused.INSTANCE;
      }
    }

    private Ast call(Token name) {
      Token open = next();
      if (!open.is("(") || open.spaceBefore) throw Refused.INSTANCE;
      List<Ast> arguments = new ArrayList<>();
      if (peek().is(")")) {
        next();
      } else {
        while (true) {
          int from = peek().start;
          arguments.add(expression());
          compiledOnFirstUse.add(source.substring(from, tokens.get(pos - 1).end));
          Token t = next();
          if (t.is(")")) break;
          if (!t.is(",")) throw Refused.INSTANCE;
        }
      }
      return new Call(name.text, arguments, source.substring(name.start, tokens.get(pos - 1).end));
    }

    private Ast chain(Token root) {
      List<Step> steps = new ArrayList<>();
      while (true) {
        Token t = peek();
        if ((t.is(".") || t.is(".?")) && !t.spaceBefore) {
          next();
          Token name = next();
          if (name.kind != Kind.IDENT || name.spaceBefore
              || REFUSED_PROPERTY_NAMES.contains(name.text.toLowerCase(Locale.ROOT))) {
            throw Refused.INSTANCE;
          }
          steps.add(new Step(name.text, t.is(".?"), null));
        } else if (t.is("[") && !t.spaceBefore) {
          next();
          int from = peek().start;
          Ast key = expression();
          compiledOnFirstUse.add(source.substring(from, tokens.get(pos - 1).end));
          expect("]");
          steps.add(new Step(null, false, key));
        } else {
          break;
        }
      }
      return new Var(root.text, steps, source.substring(root.start, tokens.get(pos - 1).end));
    }

    private Ast list() {
      List<Object> values = new ArrayList<>();
      if (peek().is("]")) {
        next();
        return new ListLit(values);
      }
      while (true) {
        Ast element = unary();
        if (!(element instanceof Lit lit)) throw Refused.INSTANCE;
        values.add(lit.value);
        Token t = next();
        if (t.is("]")) return new ListLit(values);
        if (!t.is(",")) throw Refused.INSTANCE;
      }
    }
  }

  /**
   * MVEL compiles a function's arguments and an index's key only when first evaluated, so an
   * error it finds there (such as {@code x && 0}) fails every evaluation, whatever the values.
   * The whole expression compiled, but these parts are MVEL's to accept too.
   */
  private static boolean mvelCompilesEachPart(List<String> parts) {
    for (String part : parts) {
      try {
        MVEL.compileExpression(part, new ParserContext(ExpressionCompiler.newConfiguration()));
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** Integers of up to nine characters are {@code Integer} in MVEL, decimals {@code Double}. */
  private static Object number(String text) {
    if (INTEGER.matcher(text).matches() && text.length() <= 9) return Integer.valueOf(text);
    if (DECIMAL.matcher(text).matches()) return Double.valueOf(text);
    throw Refused.INSTANCE;
  }

  // ---- is this the tree MVEL builds? ------------------------------------------------------------

  private static boolean isChainOperator(String op) {
    int p = PRECEDENCE.get(op);
    return p >= 4;
  }

  private static boolean isArithmetic(String op) {
    return PRECEDENCE.get(op) >= 6;
  }

  /** MVEL's precedence table (Operator.PTABLE) groups. */
  private static int mvelLevel(String op) {
    return switch (op) {
      case "==", "!=" -> 7;
      case "<", ">", "<=", ">=" -> 8;
      case "+", "-" -> 10;
      default -> 11;
    };
  }

  /** A literal other than true/false, or a call of a function that returns no boolean. */
  private static boolean notBooleanTyped(Ast a) {
    if (a instanceof Paren p) return notBooleanTyped(p.inner());
    if (a instanceof Lit l) return !(l.value() instanceof Boolean);
    if (a instanceof ListLit) return true;
    return a instanceof Call c && Set.of("lower", "upper", "size", "min", "max").contains(c.name());
  }

  /**
   * Literals, and anything MVEL can fold into one before it applies precedence: a parenthesis or
   * an operator over literals only ({@code x + (2) contains 1} folds {@code (2) contains 1}).
   */
  private static boolean isLiteral(Ast a) {
    if (a instanceof Lit || a instanceof ListLit) return true;
    if (a instanceof Paren p) return isLiteral(p.inner);
    if (a instanceof Not n) return isLiteral(n.operand);
    if (a instanceof Bin b) return isLiteral(b.left) && isLiteral(b.right);
    if (a instanceof Cond c) return isLiteral(c.condition) && isLiteral(c.then) && isLiteral(c.otherwise);
    return false;
  }

  /** Operands whose type MVEL fixes at compile time. */
  private static boolean isStaticallyTyped(Ast a) {
    return isLiteral(a) || a instanceof Paren;
  }

  /**
   * Whether MVEL accepts the operand of {@code &&} or {@code ||}: typed as Boolean or left to the
   * value. Otherwise MVEL refuses the expression when it compiles it, which for a function's
   * argument is at its first evaluation, whichever way the other operand would have short-circuited.
   */
  private static boolean mayBeBoolean(Ast a) {
    if (a instanceof Var || a instanceof Not) return true;
    if (a instanceof Lit l) return l.value instanceof Boolean;
    if (a instanceof Paren p) return mayBeBoolean(p.inner);
    if (a instanceof Call c) {
      return Set.of("cidr", "startsWith", "endsWith", "containsAny").contains(c.name);
    }
    if (a instanceof Bin b) return !isArithmetic(b.op) || staticType(b) == StaticType.OBJECT;
    return false;
  }

  private static Ast leftmostLeaf(Ast a) {
    return a instanceof Bin b ? leftmostLeaf(b.left) : a;
  }

  private static Ast rightmostLeaf(Ast a) {
    return a instanceof Bin b ? rightmostLeaf(b.right) : a;
  }

  private static boolean mvelBuildsTheSameTree(Ast ast) {
    return check(ast, null);
  }

  private static boolean check(Ast ast, Ast parent) {
    if (ast instanceof Bin b) {
      Ast l = rightmostLeaf(b.left);
      Ast r = leftmostLeaf(b.right);
      if (isLiteral(l) && isLiteral(r)) return false;
      if (isChainOperator(b.op)) {
        if (isStaticallyTyped(l) && isStaticallyTyped(r)) return false;
        boolean chainRoot = !(parent instanceof Bin p && isChainOperator(p.op));
        if (chainRoot) {
          Set<Integer> levels = new HashSet<>();
          collectLevels(b, levels);
          if (levels.size() > 2) return false;
          // A lone x + 'a' is exact; in a longer run MVEL's string typing of it takes over.
          if (!b.op.equals("+") || b.left instanceof Bin l2 && isChainOperator(l2.op)
              || b.right instanceof Bin r2 && isChainOperator(r2.op)) {
            if (concatenates(b)) return false;
          }
        }
        if (isArithmetic(b.op) && staticType(b) == StaticType.OTHER) return false;
      }
      if (b.op.equals("&&") || b.op.equals("||")) {
        // MVEL type-checks a statically typed operand of && and || (`x && 0` throws), where plain
        // evaluation would short-circuit to a value: such shapes are MVEL's to decide.
        if (notBooleanTyped(b.left) || notBooleanTyped(b.right)) return false;
        if (!mayBeBoolean(b.left) || !mayBeBoolean(b.right)) return false;
      }
      if (b.op.equals("contains")) {
        // MVEL takes one operand on each side of `contains` and lets the surrounding operators
        // apply to the result: `x + (2) contains 1` is `x + ((2) contains 1)`. Either side being an
        // operator expression is MVEL's to decide.
        if (b.right instanceof Bin || b.right instanceof Cond) return false;
        if (b.left instanceof Bin || b.left instanceof Cond) return false;
      }
      return check(b.left, b) && check(b.right, b);
    }
    if (ast instanceof Not n) return check(n.operand, n);
    if (ast instanceof Paren p) return check(p.inner, p);
    if (ast instanceof Cond c) return check(c.condition, c) && check(c.then, c) && check(c.otherwise, c);
    if (ast instanceof Call c) {
      for (Ast a : c.arguments) if (!check(a, c)) return false;
      return true;
    }
    if (ast instanceof Var v) {
      for (Step s : v.steps) if (s.key != null && !check(s.key, v)) return false;
      return true;
    }
    return true;
  }

  private static void collectLevels(Ast a, Set<Integer> levels) {
    if (a instanceof Bin b && isChainOperator(b.op)) {
      levels.add(mvelLevel(b.op));
      collectLevels(b.left, levels);
      collectLevels(b.right, levels);
    }
  }

  private enum StaticType { OBJECT, STRING, OTHER }

  /**
   * The type MVEL gives an operand at compile time. {@code OBJECT} leaves the type to the value
   * (variables, and arithmetic over one); a {@code +} with a string operand is a {@code STRING}
   * whatever its values; literals, parentheses, calls, negations and comparisons are typed.
   *
   * <p>MVEL types an operator when it first meets it, with the single operand written after it;
   * a tighter operator that follows later takes that operand's place without retyping. So the
   * type of {@code a - b * c} comes from {@code a} and {@code b}.
   */
  private static StaticType staticType(Ast a) {
    if (a instanceof Var) return StaticType.OBJECT;
    if (a instanceof Lit l && l.value instanceof String) return StaticType.STRING;
    if (a instanceof Call c && (c.name.equals("lower") || c.name.equals("upper"))) return StaticType.STRING;
    if (a instanceof Bin b && isArithmetic(b.op)) {
      StaticType l = staticType(b.left);
      StaticType r = staticType(leftmostChainLeaf(b.right));
      if (b.op.equals("+") && (l == StaticType.STRING || r == StaticType.STRING)) return StaticType.STRING;
      return l == StaticType.OBJECT || r == StaticType.OBJECT ? StaticType.OBJECT : StaticType.OTHER;
    }
    return StaticType.OTHER;
  }

  private static Ast leftmostChainLeaf(Ast a) {
    return a instanceof Bin b && isChainOperator(b.op) ? leftmostChainLeaf(b.left) : a;
  }

  /**
   * Whether a run of operators concatenates strings: a {@code +} over a string operand, which MVEL
   * types as a string and then treats as one even where it appended to a list
   * ({@code x + '5' + y}). Fine alone, refused inside a longer run.
   */
  private static boolean concatenates(Ast a) {
    if (!(a instanceof Bin b) || !isChainOperator(b.op)) return false;
    if (b.op.equals("+") && (staticType(rightmostChainLeaf(b.left)) == StaticType.STRING
        || staticType(leftmostChainLeaf(b.right)) == StaticType.STRING || staticType(b) == StaticType.STRING)) {
      return true;
    }
    return concatenates(b.left) || concatenates(b.right);
  }

  private static Ast rightmostChainLeaf(Ast a) {
    return a instanceof Bin b && isChainOperator(b.op) ? rightmostChainLeaf(b.right) : a;
  }

  // ---- nodes --------------------------------------------------------------------------------------

  private static FastNodes.Node build(Ast ast, char[] expression) {
    if (ast instanceof Lit l) return new FastNodes.Literal(l.value);
    if (ast instanceof ListLit l) return new FastNodes.InlineList(l.values);
    if (ast instanceof Paren p) return build(p.inner, expression);
    if (ast instanceof Not n) return new FastNodes.Not(build(n.operand, expression));
    if (ast instanceof Cond c) {
      return new FastNodes.Conditional(build(c.condition, expression), build(c.then, expression),
          build(c.otherwise, expression));
    }
    if (ast instanceof Var v) {
      FastNodes.Node root = FastNodes.Variable.named(v.root);
      if (v.steps.isEmpty()) return root;
      List<FastNodes.Step> steps = new ArrayList<>();
      boolean afterNullSafeProperty = false;
      for (Step s : v.steps) {
        // MVEL parses `.?name[key]` as one sub-token: the key's lookup shares the null-safety.
        steps.add(s.key == null ? new FastNodes.Property(s.name, s.nullSafe, expression)
            : new FastNodes.Index(build(s.key, expression), afterNullSafeProperty, expression));
        afterNullSafeProperty = s.key == null && s.nullSafe;
      }
      return new FastNodes.Chain(root, steps, expression, v.text);
    }
    if (ast instanceof Call c) {
      List<FastNodes.Node> arguments = new ArrayList<>();
      for (Ast a : c.arguments) arguments.add(build(a, expression));
      FastNodes.Node call = FastNodes.Call.of(c.name, arguments, expression, c.text);
      if (call == null) throw Refused.INSTANCE;
      return call;
    }
    Bin b = (Bin) ast;
    FastNodes.Node left = build(b.left, expression);
    FastNodes.Node right = build(b.right, expression);
    return switch (b.op) {
      case "&&" -> new FastNodes.And(left, right);
      case "||" -> new FastNodes.Or(left, right);
      case "contains" -> new FastNodes.Contains(left, right);
      default -> new FastNodes.Binary(MVEL_OPERATORS.get(b.op), left, right);
    };
  }
}
