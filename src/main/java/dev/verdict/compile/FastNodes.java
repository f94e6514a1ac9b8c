package dev.verdict.compile;

import dev.verdict.policy.ExpressionScope;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mvel2.Operator;
import org.mvel2.PropertyAccessException;
import org.mvel2.ScriptRuntimeException;
import org.mvel2.math.MathProcessor;
import org.mvel2.util.ParseTools;

/**
 * The nodes of a {@link FastExpression}: immutable, stateless, safe to share across event loops.
 *
 * <p>Each operator handles the value types that rule expressions meet every day (strings,
 * booleans, {@code Integer}/{@code Long}/{@code Double}, null, maps, lists) itself, the way MVEL
 * 2.5.2 does; any other pair of values goes to MVEL's own {@link MathProcessor} or
 * {@link ParseTools#containsCheck}, the stateless functions its compiled expressions call. Failures
 * throw the exception classes MVEL throws where a decision's error text shows them
 * ({@link PropertyAccessException} for property access and function calls).
 */
final class FastNodes {

  private FastNodes() {}

  /** One node of the tree. {@link #eval} allocates nothing beyond the value it returns. */
  abstract static class Node {
    abstract Object eval(ExpressionScope scope);
  }

  static final class Literal extends Node {
    final Object value;

    Literal(Object value) {
      this.value = value;
    }

    @Override
    Object eval(ExpressionScope scope) {
      return value;
    }
  }

  /** A root variable of {@link ExpressionScope}, read through its getter as MVEL does. */
  static final class Variable extends Node {
    private final int which;

    private static final List<String> NAMES =
        List.of("method", "path", "params", "ip", "userAgent", "headers", "user", "token", "data", "now");

    private Variable(int which) {
      this.which = which;
    }

    /** The variable called {@code name}, or {@code null} if there is none. */
    static Variable named(String name) {
      int i = NAMES.indexOf(name);
      return i < 0 ? null : new Variable(i);
    }

    @Override
    Object eval(ExpressionScope scope) {
      return switch (which) {
        case 0 -> scope.getMethod();
        case 1 -> scope.getPath();
        case 2 -> scope.getParams();
        case 3 -> scope.getIp();
        case 4 -> scope.getUserAgent();
        case 5 -> scope.getHeaders();
        case 6 -> scope.getUser();
        case 7 -> scope.getToken();
        case 8 -> scope.getData();
        default -> scope.getNow();
      };
    }
  }

  /**
   * A property chain such as {@code token.?claims.roles[0]}. As in MVEL, a null reached by a
   * null-safe step ends the whole chain with null, while any other step applied to null fails.
   */
  static final class Chain extends Node {
    private final Node root;
    private final Step[] steps;
    private final char[] expression;
    private final String text;

    Chain(Node root, List<Step> steps, char[] expression, String text) {
      this.root = root;
      this.steps = steps.toArray(new Step[0]);
      this.expression = expression;
      this.text = text;
    }

    @Override
    Object eval(ExpressionScope scope) {
      Object value = root.eval(scope);
      for (Step step : steps) {
        if (value == null) throw failure(expression, "null pointer: " + text, null);
        value = step.apply(value, scope);
        if (value == null && step.nullSafe) return null;
      }
      return value;
    }
  }

  abstract static class Step {
    final boolean nullSafe;
    final char[] expression;

    Step(boolean nullSafe, char[] expression) {
      this.nullSafe = nullSafe;
      this.expression = expression;
    }

    abstract Object apply(Object target, ExpressionScope scope);
  }

  /**
   * {@code .name} or {@code .?name}. MVEL first looks for a public field or getter called
   * {@code name} on the target's class, even on a map that has the key; the parser refuses names
   * that the usual map, list, string and number classes have, and any other class that has one
   * is left to MVEL.
   */
  static final class Property extends Step {
    private final String name;
    private final String lowerName;

    Property(String name, boolean nullSafe, char[] expression) {
      super(nullSafe, expression);
      this.name = name;
      this.lowerName = name.toLowerCase(Locale.ROOT);
    }

    @Override
    Object apply(Object target, ExpressionScope scope) {
      if (MemberNames.mayResolve(target.getClass(), lowerName)) throw FastExpression.Unsupported.INSTANCE;
      if (target instanceof Map<?, ?> map) {
        Object value = map.get(name);
        if (value != null || map.containsKey(name)) return value;
        if (nullSafe) return null;
      }
      throw failure(expression, "could not access: " + name + "; in class: " + target.getClass().getName(), null);
    }
  }

  /**
   * {@code [key]}: a map lookup, or a list position that must be an {@code Integer}. MVEL reads
   * {@code .?name[key]} as one null-safe step, so an index right after {@code .?name} is null-safe too.
   */
  static final class Index extends Step {
    private final Node key;

    Index(Node key, boolean nullSafe, char[] expression) {
      super(nullSafe, expression);
      this.key = key;
    }

    @Override
    Object apply(Object target, ExpressionScope scope) {
      Object k = key.eval(scope);
      if (target instanceof Map<?, ?> map) return map.get(k);
      if (target instanceof List<?> list) {
        if (!(k instanceof Integer i)) {
          throw failure(expression, "list index " + describe(k) + " is not an integer", null);
        }
        if (i < 0 || i >= list.size()) throw failure(expression, "array index out of bounds", null);
        return list.get(i);
      }
      if (target instanceof Number || target instanceof Boolean) {
        throw failure(expression, "illegal use of []: unknown type: " + target.getClass().getName(), null);
      }
      // Strings index to characters, sets and arrays have rules of their own: MVEL decides.
      throw FastExpression.Unsupported.INSTANCE;
    }
  }

  /** A call of one of {@link Functions}, invoked directly; its failures are wrapped as MVEL wraps them. */
  static final class Call extends Node {
    static final List<String> ONE_ARGUMENT = List.of("lower", "upper", "size");
    static final List<String> TWO_ARGUMENTS =
        List.of("cidr", "min", "max", "startsWith", "endsWith", "containsAny", "inList");

    private final int function;
    private final Node a;
    private final Node b;
    private final char[] expression;
    private final String text;

    private Call(int function, Node a, Node b, char[] expression, String text) {
      this.function = function;
      this.a = a;
      this.b = b;
      this.expression = expression;
      this.text = text;
    }

    private static final int LOWER = 0;
    private static final int CONTAINS_ANY = ONE_ARGUMENT.size() + TWO_ARGUMENTS.indexOf("containsAny");

    /** The call, or {@code null} when {@code name} takes another number of arguments. */
    static Node of(String name, List<Node> arguments, char[] expression, String text) {
      int one = ONE_ARGUMENT.indexOf(name);
      if (one >= 0) return arguments.size() == 1 ? new Call(one, arguments.get(0), null, expression, text) : null;
      int two = TWO_ARGUMENTS.indexOf(name);
      if (two >= 0 && arguments.size() == 2) {
        Node second = name.equals("cidr") ? preparsedNetworks(arguments.get(1)) : arguments.get(1);
        Call call = new Call(ONE_ARGUMENT.size() + two, arguments.get(0), second, expression, text);
        if (call.function == CONTAINS_ANY && call.a instanceof Call inner && inner.function == LOWER) {
          return new ContainsAnyOfLower(inner, call);
        }
        return call;
      }
      return null;
    }

    @Override
    Object eval(ExpressionScope scope) {
      Object x = a.eval(scope);
      Object y = b == null ? null : b.eval(scope);
      return apply(x, y);
    }

    /**
     * {@code cidr(ip, '10.0.0.0/8')} or {@code cidr(ip, ['10.0.0.0/8', ...])}: the literal networks
     * parsed once here, as lists in {@code data} are at load time, instead of on every call. A
     * literal that does not parse is left as it is, to fail at run time exactly as before.
     */
    private static Node preparsedNetworks(Node networks) {
      List<String> texts;
      if (networks instanceof Literal l && l.value instanceof String single) {
        texts = List.of(single);
      } else if (networks instanceof InlineList list && list.value.stream().allMatch(String.class::isInstance)) {
        texts = list.value.stream().map(String.class::cast).toList();
      } else {
        return networks;
      }
      try {
        return new Literal(CidrList.parse(texts));
      } catch (IllegalArgumentException notNetworks) {
        return networks;
      }
    }

    /** The function applied to argument values already evaluated, failures wrapped as {@link #eval} wraps them. */
    Object apply(Object x, Object y) {
      try {
        return switch (function) {
          case 0 -> Functions.lower(x);
          case 1 -> Functions.upper(x);
          case 2 -> Integer.valueOf(Functions.size(x));
          case 3 -> bool(Functions.cidr(x, y));
          case 4 -> Functions.min(x, y);
          case 5 -> Functions.max(x, y);
          case 6 -> bool(Functions.startsWith(x, y));
          case 7 -> bool(Functions.endsWith(x, y));
          case 8 -> bool(Functions.containsAny(x, y));
          case 9 -> bool(Functions.inList(x, y));
          default -> throw new IllegalStateException("no function " + function);
        };
      } catch (RuntimeException e) {
        throw failure(expression, text + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * {@code containsAny(lower(s), needles)}, the usual way to look for markers in a header, without
   * building the lower-cased copy of {@code s} when it is not needed (a user agent is 100 characters
   * or more, and this runs on every decision). Computes exactly what the two calls compute, failures
   * included: whenever {@link Functions#containsAnyOfLowerCase} cannot answer for certain, the two
   * calls run as written, on the values already evaluated, in the same order.
   */
  static final class ContainsAnyOfLower extends Node {
    private final Call lower;
    private final Call containsAny;

    ContainsAnyOfLower(Call lower, Call containsAny) {
      this.lower = lower;
      this.containsAny = containsAny;
    }

    @Override
    Object eval(ExpressionScope scope) {
      Object s = lower.a.eval(scope);
      if (s instanceof String text) {
        // lower() of a String cannot fail, so evaluating the needles before lower-casing changes nothing.
        Object needles = containsAny.b.eval(scope);
        if (needles instanceof List<?> list) {
          Boolean answer = Functions.containsAnyOfLowerCase(text, list);
          if (answer != null) return answer;
        }
        return containsAny.apply(lower.apply(text, null), needles);
      }
      Object lowered = lower.apply(s, null);
      return containsAny.apply(lowered, containsAny.b.eval(scope));
    }
  }

  /** {@code [a, b]} of literals: one list, built at compile time, that nobody can change. */
  static final class InlineList extends Node {
    private final List<Object> value;

    InlineList(List<Object> value) {
      // An ArrayList inside, as MVEL builds: unlike List.of, its contains(null) answers false.
      this.value = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(value));
    }

    @Override
    Object eval(ExpressionScope scope) {
      return value;
    }
  }

  /** {@code !x}: MVEL casts to Boolean, so a null fails as well as a non-boolean. */
  static final class Not extends Node {
    private final Node operand;

    Not(Node operand) {
      this.operand = operand;
    }

    @Override
    Object eval(ExpressionScope scope) {
      return (Boolean) operand.eval(scope) ? Boolean.FALSE : Boolean.TRUE;
    }
  }

  static final class And extends Node {
    private final Node left;
    private final Node right;

    And(Node left, Node right) {
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(ExpressionScope scope) {
      return (Boolean) left.eval(scope) && (Boolean) right.eval(scope) ? Boolean.TRUE : Boolean.FALSE;
    }
  }

  static final class Or extends Node {
    private final Node left;
    private final Node right;

    Or(Node left, Node right) {
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(ExpressionScope scope) {
      return (Boolean) left.eval(scope) || (Boolean) right.eval(scope) ? Boolean.TRUE : Boolean.FALSE;
    }
  }

  /** {@code c ? a : b}; a condition that is not a Boolean fails with MVEL's message. */
  static final class Conditional extends Node {
    private final Node condition;
    private final Node then;
    private final Node otherwise;

    Conditional(Node condition, Node then, Node otherwise) {
      this.condition = condition;
      this.then = then;
      this.otherwise = otherwise;
    }

    @Override
    Object eval(ExpressionScope scope) {
      Object c = condition.eval(scope);
      if (c instanceof Boolean b) return b ? then.eval(scope) : otherwise.eval(scope);
      throw new ScriptRuntimeException("expected Boolean; but found: " + (c == null ? "null" : c.getClass().getName()));
    }
  }

  static final class Contains extends Node {
    private final Node left;
    private final Node right;

    Contains(Node left, Node right) {
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(ExpressionScope scope) {
      return bool(ParseTools.containsCheck(left.eval(scope), right.eval(scope)));
    }
  }

  /** A comparison or arithmetic operator, with MVEL's operator code. */
  static final class Binary extends Node {
    private final int operator;
    private final Node left;
    private final Node right;

    Binary(int operator, Node left, Node right) {
      this.operator = operator;
      this.left = left;
      this.right = right;
    }

    @Override
    Object eval(ExpressionScope scope) {
      Object a = left.eval(scope);
      Object b = right.eval(scope);
      return switch (operator) {
        case Operator.EQUAL, Operator.NEQUAL -> equal(operator, a, b);
        case Operator.LTHAN, Operator.GTHAN, Operator.LETHAN, Operator.GETHAN -> compare(operator, a, b);
        default -> arithmetic(operator, a, b);
      };
    }
  }

  // ---- operator semantics: MVEL 2.5.2's MathProcessor for the everyday types, MathProcessor itself for the rest

  private static Boolean bool(boolean b) {
    return b ? Boolean.TRUE : Boolean.FALSE;
  }

  /** Integer, Long or Double: the numbers that JSON claims and YAML data arrive as. */
  private static boolean isNumber(Class<?> c) {
    return c == Integer.class || c == Long.class || c == Double.class;
  }

  /** Values whose comparison with null MathProcessor answers with false. */
  private static boolean isScalar(Object o) {
    if (o == null) return true;
    Class<?> c = o.getClass();
    return c == String.class || c == Boolean.class || isNumber(c);
  }

  /** {@code ==} or {@code !=}. */
  static Boolean equal(int operator, Object a, Object b) {
    boolean same;
    if (a == null || b == null) {
      Object other = a == null ? b : a;
      if (!isScalar(other) && !(other instanceof Map) && !(other instanceof Collection)) {
        return (Boolean) MathProcessor.doOperations(a, operator, b);
      }
      same = a == b;
    } else {
      Class<?> ca = a.getClass();
      Class<?> cb = b.getClass();
      if ((ca == String.class && cb == String.class) || (ca == Boolean.class && cb == Boolean.class)) {
        same = a.equals(b);
      } else if (isNumber(ca) && isNumber(cb)) {
        if (ca == cb && ca != Double.class) {
          same = ((Number) a).longValue() == ((Number) b).longValue();
        } else {
          // Doubles compare as primitives (NaN unequal, -0.0 == 0.0); mixed types as doubles.
          same = ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
      } else {
        // Strings against numbers parse, booleans convert, collections use equals(): MVEL's own rules.
        return (Boolean) MathProcessor.doOperations(a, operator, b);
      }
    }
    return bool(operator == Operator.EQUAL ? same : !same);
  }

  static Boolean compare(int operator, Object a, Object b) {
    if (a == null || b == null) {
      if (isScalar(a) && isScalar(b)) return Boolean.FALSE;
      return (Boolean) MathProcessor.doOperations(a, operator, b);
    }
    Class<?> ca = a.getClass();
    Class<?> cb = b.getClass();
    if (ca == String.class && cb == String.class) {
      int c = ((String) a).compareTo((String) b);
      return bool(switch (operator) {
        case Operator.LTHAN -> c < 0;
        case Operator.GTHAN -> c > 0;
        case Operator.LETHAN -> c <= 0;
        default -> c >= 0;
      });
    }
    if (isNumber(ca) && isNumber(cb)) {
      if (ca == cb && ca != Double.class) {
        long x = ((Number) a).longValue();
        long y = ((Number) b).longValue();
        return bool(switch (operator) {
          case Operator.LTHAN -> x < y;
          case Operator.GTHAN -> x > y;
          case Operator.LETHAN -> x <= y;
          default -> x >= y;
        });
      }
      double x = ((Number) a).doubleValue();
      double y = ((Number) b).doubleValue();
      return bool(switch (operator) {
        case Operator.LTHAN -> x < y;
        case Operator.GTHAN -> x > y;
        case Operator.LETHAN -> x <= y;
        default -> x >= y;
      });
    }
    return (Boolean) MathProcessor.doOperations(a, operator, b);
  }

  static Object arithmetic(int operator, Object a, Object b) {
    Class<?> ca = a == null ? null : a.getClass();
    Class<?> cb = b == null ? null : b.getClass();
    if (a != null && b != null && isNumber(ca) && isNumber(cb)) {
      if (ca == cb && ca == Integer.class) {
        int x = (Integer) a;
        int y = (Integer) b;
        return switch (operator) {
          case Operator.ADD -> Integer.valueOf(x + y);
          case Operator.SUB -> Integer.valueOf(x - y);
          case Operator.MULT -> Integer.valueOf(x * y);
          case Operator.DIV -> Double.valueOf((double) x / (double) y); // MVEL divides integers as doubles
          default -> Integer.valueOf(x % y);
        };
      }
      if (ca == cb && ca == Long.class) {
        long x = (Long) a;
        long y = (Long) b;
        return switch (operator) {
          case Operator.ADD -> Long.valueOf(x + y);
          case Operator.SUB -> Long.valueOf(x - y);
          case Operator.MULT -> Long.valueOf(x * y);
          case Operator.DIV -> Double.valueOf((double) x / (double) y);
          default -> Long.valueOf(x % y);
        };
      }
      double x = ((Number) a).doubleValue();
      double y = ((Number) b).doubleValue();
      double r = switch (operator) {
        case Operator.ADD -> x + y;
        case Operator.SUB -> x - y;
        case Operator.MULT -> x * y;
        case Operator.DIV -> x / y;
        default -> x % y;
      };
      // Mixed types compute in doubles and return the wider type: Integer with Long gives a Long.
      return ca == Double.class || cb == Double.class ? (Object) Double.valueOf(r) : (Object) Long.valueOf((long) r);
    }
    if (operator == Operator.ADD && (ca == String.class || cb == String.class) && isScalar(a) && isScalar(b)) {
      return String.valueOf(a) + b;
    }
    return MathProcessor.doOperations(a, operator, b);
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  static PropertyAccessException failure(char[] expression, String message, Throwable cause) {
    return cause == null ? new PropertyAccessException(message, expression, 0, null)
        : new PropertyAccessException(message, expression, 0, cause, null);
  }

  /**
   * Lower-cased names that MVEL could resolve as a public field, getter or method of a class
   * before it ever looks into a map: an over-approximation of its getter rules, so that a name in
   * doubt is left to MVEL rather than guessed.
   */
  static final class MemberNames {
    private static final ClassValue<Set<String>> BY_CLASS = new ClassValue<>() {
      @Override
      protected Set<String> computeValue(Class<?> type) {
        return compute(type);
      }
    };

    private MemberNames() {}

    /** The map classes that claims, data, parameters and {@code user} arrive as. */
    private static final Class<?> UNMODIFIABLE_MAP = Collections.unmodifiableMap(new HashMap<>()).getClass();
    private static final Class<?> MAP_1 = Map.of("a", 1).getClass();
    private static final Class<?> MAP_N = Map.of().getClass();

    static Set<String> of(Class<?> type) {
      return BY_CLASS.get(type);
    }

    /** Whether MVEL might read {@code lowerName} on a {@code type} as a member rather than a key. */
    static boolean mayResolve(Class<?> type, String lowerName) {
      // INVARIANT: the parser refuses names that are members of these classes (REFUSED_PROPERTY_NAMES),
      // so the usual maps need no lookup per request.
      if (type == UNMODIFIABLE_MAP || type == HashMap.class || type == MAP_1 || type == MAP_N
          || type == java.util.LinkedHashMap.class) {
        return false;
      }
      return BY_CLASS.get(type).contains(lowerName);
    }

    private static Set<String> compute(Class<?> type) {
      Set<String> names = new HashSet<>();
      for (Field f : type.getFields()) names.add(f.getName().toLowerCase(Locale.ROOT));
      for (Method m : type.getMethods()) {
        // MVEL reads a property only through a method without parameters; static ones count too, to be safe.
        if (m.getParameterCount() != 0) continue;
        String n = m.getName().toLowerCase(Locale.ROOT);
        names.add(n);
        if (n.startsWith("get") && n.length() > 3) names.add(n.substring(3));
        if (n.startsWith("is") && n.length() > 2) names.add(n.substring(2));
      }
      if (Collection.class.isAssignableFrom(type)) names.add("empty");
      return Set.copyOf(names);
    }
  }
}
