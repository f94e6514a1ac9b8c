package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.policy.ExpressionScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.mvel2.MVEL;
import org.mvel2.ParserContext;

/**
 * {@link FastExpression} is the clever evaluator, MVEL the reference (STYLE.md, habit 6): for
 * every random expression over the allow-listed subset that the fast parser accepts, and every
 * random scope, both give equal values or both throw. Throwing denies and a value may allow, so
 * "both throw" is as much a part of the contract as equal values; the exception classes may differ.
 *
 * <p>The reference is a fresh MVEL compilation per evaluation: a long-lived MVEL expression
 * answers from accessors it built for earlier inputs (see {@code FastExpressionTest}).
 *
 * <p>The generated expressions reach into present and missing keys of nested maps, compare and
 * combine strings, booleans, Integers, Longs, Doubles and nulls of either order, and use every
 * operator and function; the scopes carry claims as verified tokens do and data as the policy
 * compiler prepares it (CIDR lists included).
 */
class FastExpressionProperties {

  // MVEL logs a stack trace for every failed property access while it optimises; the failures are the point here.
  private static final Logger MVEL_LOG = Logger.getLogger("org.mvel2");

  static {
    MVEL_LOG.setLevel(Level.OFF);
  }

  private static final SourceLocation HERE = SourceLocation.of("generated");
  private static final Object ABSENT = new Object();

  private static final List<String> CLAIM_KEYS = List.of("bots", "sub", "n", "x", "team", "m", "nul", "flag", "score");
  private static final List<String> DATA_KEYS = List.of("nets", "agents", "n", "d", "m", "flag", "list");
  /** Keys that expressions look up: the keys above, and some that no map ever has. */
  private static final List<String> LOOKUP_KEYS = List.of("bots", "sub", "n", "x", "team", "m", "nul", "flag",
      "nets", "agents", "d", "list", "botId", "id", "a", "b", "missing", "score");

  @Property(tries = 1000)
  void fastPath_andFreshMvel_giveEqualValuesOrBothThrow(@ForAll("expressions") String expression,
                                                          @ForAll("scopes") List<ExpressionScope> scopes) {
    String refusal = refusalBeforeTheFastPath(expression);
    if (refusal != null) {
      Statistics.label("path").collect(refusal);
      return;
    }
    FastExpression fast = FastExpression.tryCompile(expression, HERE);
    Statistics.label("path").collect(fast == null ? "MVEL (fallback)" : "fast");
    if (fast == null) return;
    for (ExpressionScope scope : scopes) {
      Result reference = Result.of(() -> mvelFresh(expression, scope));
      Result tree;
      try {
        tree = Result.of(() -> fast.evaluateWithoutReference(scope));
        Statistics.label("fast outcome").collect(tree.threw ? "threw" : "value");
      } catch (FastExpression.Unsupported e) {
        Statistics.label("fast outcome").collect("left to MVEL at run time");
        tree = Result.of(() -> fast.evaluate(scope));
      }
      Statistics.label("agreement").collect(reference.threw ? "both threw" : "equal values");
      assertAgree(expression, reference, tree);
    }
  }

  /**
   * Property chains alone, longer and with more null-safe steps, against more scopes: where MVEL's
   * rules (a member before a map key, a null-safe step covering the index written right after it,
   * an index on null skipped) are the most intricate.
   */
  @Property(tries = 600)
  void chains_fastPathAndFreshMvel_giveEqualValuesOrBothThrow(@ForAll("chains") String expression,
                                                              @ForAll("scopes") List<ExpressionScope> scopes) {
    String refusal = refusalBeforeTheFastPath(expression);
    if (refusal != null) {
      Statistics.label("path").collect(refusal);
      return;
    }
    FastExpression fast = FastExpression.tryCompile(expression, HERE);
    Statistics.label("path").collect(fast == null ? "MVEL (fallback)" : "fast");
    if (fast == null) return;
    for (ExpressionScope scope : scopes) {
      Result reference = Result.of(() -> mvelFresh(expression, scope));
      Result tree = Result.of(() -> fast.evaluate(scope));
      Statistics.label("agreement").collect(reference.threw ? "both threw" : "equal values");
      assertAgree(expression, reference, tree);
    }
  }

  @Provide
  Arbitrary<String> chains() {
    Arbitrary<String> name = Arbitraries.of(LOOKUP_KEYS);
    Arbitrary<String> step = Arbitraries.frequencyOf(
        Tuple.of(4, name.map(n -> "." + n)),
        Tuple.of(4, name.map(n -> ".?" + n)),
        Tuple.of(3, name.map(n -> "['" + n + "']")),
        Tuple.of(2, Arbitraries.of("[0]", "[1]", "[5]", "[-1]", "[params.botId]", "[token.n]", "[data.n]",
            "[token.?missing]", "[token.missing]", "[size(token.bots)]")));
    Arbitrary<String> root = Arbitraries.of("token", "token", "token", "data", "data", "params", "headers", "user");
    Arbitrary<String> chain = Combinators.combine(root, step.list().ofMinSize(1).ofMaxSize(5))
        .as((r, steps) -> r + String.join("", steps));
    return Arbitraries.frequencyOf(
        Tuple.of(4, chain),
        Tuple.of(1, chain.map(c -> c + " == null")),
        Tuple.of(1, chain.map(c -> c + " contains 'b1'")),
        Tuple.of(1, chain.map(c -> "!(" + c + " contains 'b1')")),
        Tuple.of(1, chain.map(c -> "size(" + c + ")")));
  }

  /**
   * Runs of arithmetic and comparison operators over literals, calls, parentheses and claims:
   * where MVEL's operator folding departs from standard precedence (three precedence levels,
   * literals folded first, operands typed {@code Integer} at compile time).
   */
  @Property(tries = 600)
  void operatorRuns_fastPathAndFreshMvel_giveEqualValuesOrBothThrow(@ForAll("operatorRuns") String expression,
                                                                    @ForAll("scopes") List<ExpressionScope> scopes) {
    String refusal = refusalBeforeTheFastPath(expression);
    if (refusal != null) {
      Statistics.label("path").collect(refusal);
      return;
    }
    FastExpression fast = FastExpression.tryCompile(expression, HERE);
    Statistics.label("path").collect(fast == null ? "MVEL (fallback)" : "fast");
    if (fast == null) return;
    for (ExpressionScope scope : scopes) {
      assertAgree(expression, Result.of(() -> mvelFresh(expression, scope)), Result.of(() -> fast.evaluate(scope)));
    }
  }

  @Provide
  Arbitrary<String> operatorRuns() {
    Arbitrary<String> operand = Arbitraries.of("1", "2", "4", "-3", "0", "1.5", "'5'", "'a'", "''", "null", "true",
        "token.n", "token.n", "token.score", "token.x", "token.x", "data.n", "data.d", "data.list", "params.n",
        "size(token.bots)", "min(token.n, 3)", "max(data.d, 1)", "lower(params.n)", "upper(token.sub)", "(token.n)",
        "(token.n + 1)", "(token.flag ? 10 : 20)", "(2)", "!token.flag");
    Arbitrary<String> operator = Arbitraries.frequency(Tuple.of(4, "+"), Tuple.of(2, "-"), Tuple.of(2, "*"),
        Tuple.of(2, "/"), Tuple.of(1, "%"), Tuple.of(2, "=="), Tuple.of(1, "!="), Tuple.of(1, "<"), Tuple.of(1, ">="),
        Tuple.of(1, "contains"), Tuple.of(1, "&&"));
    return Combinators.combine(operand, Combinators.combine(operator, operand).as((o, x) -> " " + o + " " + x)
        .list().ofMinSize(1).ofMaxSize(4)).as((first, rest) -> first + String.join("", rest));
  }

  /** The generators reach the fast path often enough for the property above to mean something. */
  @Property(tries = 400)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void generatedExpressions_oftenTakeTheFastPath(@ForAll("expressions") String expression) {
    boolean allowed = ExpressionValidator.problems(expression).isEmpty();
    Statistics.collect(allowed && FastExpression.tryCompile(expression, HERE) != null);
    Statistics.coverage(c -> c.check(true).percentage(p -> p >= 25.0));
  }

  /** Why {@link ExpressionCompiler} would stop before trying the fast path, or {@code null}. */
  static String refusalBeforeTheFastPath(String expression) {
    if (!ExpressionValidator.problems(expression).isEmpty()) return "refused by the allow-list";
    try {
      MVEL.compileExpression(expression, new ParserContext(ExpressionCompiler.newConfiguration()));
      return null;
    } catch (RuntimeException e) {
      return "refused by the MVEL compiler";
    }
  }

  static Object mvelFresh(String expression, ExpressionScope scope) {
    return MVEL.executeExpression(
        MVEL.compileExpression(expression, new ParserContext(ExpressionCompiler.newConfiguration())), scope);
  }

  static void assertAgree(String expression, Result reference, Result fast) {
    if (reference.threw || fast.threw) {
      assertTrue(reference.threw && fast.threw, () -> "`" + expression + "`: MVEL " + reference + ", fast " + fast);
      return;
    }
    assertTrue(Objects.equals(reference.value, fast.value),
        () -> "`" + expression + "`: MVEL " + reference + ", fast " + fast);
    if (reference.value instanceof Number) {
      assertEquals(reference.value.getClass(), fast.value.getClass(), expression);
    }
  }

  /** A value or a failure; {@link FastExpression.Unsupported} is neither and passes through. */
  record Result(Object value, boolean threw, String failure) {
    static Result of(Supplier<Object> evaluation) {
      try {
        return new Result(evaluation.get(), false, null);
      } catch (FastExpression.Unsupported e) {
        throw e;
      } catch (RuntimeException | StackOverflowError e) {
        return new Result(null, true, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      if (threw) return "threw " + failure;
      return value == null ? "gave null" : "gave " + value + " (" + value.getClass().getSimpleName() + ")";
    }
  }

  // ---- expressions ------------------------------------------------------------------------------

  @Provide
  Arbitrary<String> expressions() {
    return expression(3);
  }

  private Arbitrary<String> expression(int depth) {
    if (depth == 0) return atom(0);
    Arbitrary<String> sub = Arbitraries.lazy(() -> expression(depth - 1));
    Arbitrary<String> operators = Arbitraries.of("==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&&",
        "||", "contains");
    return Arbitraries.frequencyOf(
        Tuple.of(4, atom(depth - 1)),
        Tuple.of(6, Combinators.combine(sub, operators, sub).as((l, op, r) -> l + " " + op + " " + r)),
        Tuple.of(1, sub.map(e -> "!" + e)),
        Tuple.of(2, sub.map(e -> "(" + e + ")")),
        Tuple.of(2, Combinators.combine(sub, sub, sub).as((c, a, b) -> c + " ? " + a + " : " + b)),
        Tuple.of(2, call(sub)));
  }

  private Arbitrary<String> atom(int depth) {
    return Arbitraries.frequencyOf(
        Tuple.of(6, chain(depth)),
        Tuple.of(4, literal()),
        Tuple.of(2, Arbitraries.of("method", "path", "ip", "userAgent", "user.id", "headers['user-agent']",
            "headers['x-n']", "params.botId", "params['n']", "now", "now", "now - token.n")));
  }

  private Arbitrary<String> chain(int depth) {
    Arbitrary<String> name = Arbitraries.of(LOOKUP_KEYS);
    Arbitrary<String> index = depth > 0 ? Arbitraries.lazy(() -> expression(depth - 1)).map(e -> "[" + e + "]")
        : Arbitraries.of("[0]", "[1]", "[-1]", "[params.botId]", "[token.sub]");
    Arbitrary<String> step = Arbitraries.frequencyOf(
        Tuple.of(6, name.map(n -> "." + n)),
        Tuple.of(2, name.map(n -> ".?" + n)),
        Tuple.of(2, name.map(n -> "['" + n + "']")),
        Tuple.of(1, Arbitraries.of("[0]", "[1]", "[5]")),
        Tuple.of(1, index));
    Arbitrary<String> root = Arbitraries.of("token", "token", "token", "data", "data", "params", "headers", "user",
        "now");
    return Combinators.combine(root, step.list().ofMaxSize(4)).as((r, steps) -> r + String.join("", steps));
  }

  private Arbitrary<String> literal() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("0", "1", "2", "5", "-1", "-3", "123456789", "-12345678")),
        Tuple.of(2, Arbitraries.of("1.5", "-0.5", "0.0", "2.0", "5.0", "-0.0")),
        Tuple.of(4, Arbitraries.of("''", "'b1'", "'b2'", "'5'", "'abc'", "'true'", "\"x\"", "'1.5'", "'-3'", "'u1'",
            "'curl'", "'/api'")),
        Tuple.of(3, Arbitraries.of("true", "false", "null", "nil")),
        Tuple.of(1, Arbitraries.of("['b1', 'b2']", "[1, 2]", "[]", "['5', 5, null]", "[1.5, 'x', true]")),
        // Written forms the fast path refuses; they must fall back, never mistranslate.
        Tuple.of(1, Arbitraries.of("empty", "010", "5L", "2147483647", "1e3", "'a\\'b'", "-token.n", "- 5")));
  }

  private Arbitrary<String> call(Arbitrary<String> argument) {
    Arbitrary<String> one = Combinators.combine(Arbitraries.of("lower", "upper", "size"), argument)
        .as((f, a) -> f + "(" + a + ")");
    Arbitrary<String> two = Combinators.combine(
            Arbitraries.of("min", "max", "startsWith", "endsWith", "cidr", "containsAny", "inList"), argument, argument)
        .as((f, a, b) -> f + "(" + a + ", " + b + ")");
    Arbitrary<String> usual = Arbitraries.of("cidr(ip, data.nets)", "containsAny(lower(userAgent), data.agents)",
        "inList(params.botId, token.bots)", "inList(token.s, token.bots)",
        "startsWith(path, '/api')", "size(token.bots)", "min(token.n, 3)", "max(data.n, token.score)");
    return Arbitraries.oneOf(one, two, usual);
  }

  // ---- scopes -----------------------------------------------------------------------------------

  @Provide
  Arbitrary<List<ExpressionScope>> scopes() {
    return scope().list().ofSize(4);
  }

  private Arbitrary<ExpressionScope> scope() {
    Arbitrary<Map<String, Object>> claims = map(CLAIM_KEYS, value(2));
    Arbitrary<Map<String, Object>> data = map(DATA_KEYS, value(2)).flatMap(d -> Arbitraries.of(
        List.of("10.0.0.0/8", "192.168.0.0/16"), List.of("::1/128"), List.of("not a cidr")).map(nets -> {
          Map<String, Object> withNets = new LinkedHashMap<>(d);
          withNets.put("nets", nets);
          withNets.putIfAbsent("agents", List.of("curl", "wget"));
          return PolicyCompiler.prepareData(withNets);
        }));
    Arbitrary<Map<String, String>> params = map(List.of("botId", "n", "x"),
        Arbitraries.of("b1", "b2", "5", "", "abc", "1.5")).map(p -> {
          Map<String, String> out = new HashMap<>();
          p.forEach((k, v) -> out.put(k, (String) v));
          return out;
        });
    Arbitrary<Map<String, String>> headers = map(List.of("user-agent", "x-n", "accept"),
        Arbitraries.of("curl/8.1", "Mozilla/5.0", "", "5", "python-requests/2")).map(h -> {
          Map<String, String> out = new HashMap<>();
          h.forEach((k, v) -> out.put(k, (String) v));
          return Map.copyOf(out);
        });
    Arbitrary<String> ip = Arbitraries.of("10.1.2.3", "192.168.1.1", "8.8.8.8", "", "::1", "not-an-ip");
    Arbitrary<String> path = Arbitraries.of("/api/bots/b1", "/api/admin/x", "/health", "/api/bots/b1/export");
    Arbitrary<String> subject = Arbitraries.of("u1", "b1").injectNull(0.2);
    // Epoch seconds of today, of the far future (past an int), and small values that meet claims' numbers.
    Arbitrary<Long> now = Arbitraries.of(1_767_268_800L, 4_102_444_800L, 0L, 5L, -1L);
    return Combinators.combine(claims, data, params, headers, ip, path, subject, now)
        .as((c, d, p, h, i, pa, sub, t) -> {
          Request request = new Request("GET", pa, h, i);
          Identity identity = Identity.verified(sub, Set.of("bots:read"), c);
          return new ExpressionScope(request, pa, p, identity, d, t);
        });
  }

  /** Each key present or absent; a present key may hold null. */
  private static Arbitrary<Map<String, Object>> map(List<String> keys, Arbitrary<?> values) {
    Arbitrary<Object> slot = Arbitraries.frequencyOf(Tuple.of(7, values.map(v -> (Object) v)),
        Tuple.of(3, Arbitraries.just(ABSENT)));
    return slot.list().ofSize(keys.size()).map(slots -> {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        if (slots.get(i) != ABSENT) m.put(keys.get(i), slots.get(i));
      }
      return Collections.unmodifiableMap(m);
    });
  }

  private static Arbitrary<Object> scalar() {
    return Arbitraries.<Object>frequencyOf(
        Tuple.of(4, Arbitraries.<Object>of("", "b1", "b2", "5", "abc", "true", "1.5", "-3", "u1", "curl/8.1",
            "10.1.2.3")),
        Tuple.of(2, Arbitraries.<Object>of(-3, 0, 1, 2, 5, Integer.MAX_VALUE, Integer.MIN_VALUE)),
        Tuple.of(2, Arbitraries.<Object>of(0L, 1L, 5L, -3L, Long.MAX_VALUE, 3_000_000_000L)),
        Tuple.of(2, Arbitraries.<Object>of(0.0, -0.0, 1.5, 5.0, -3.0, Double.NaN, 2.5)),
        Tuple.of(2, Arbitraries.<Object>of(true, false))).injectNull(0.1);
  }

  private static Arbitrary<Object> value(int depth) {
    if (depth == 0) return scalar();
    Arbitrary<Object> list = scalar().list().ofMaxSize(3).map(l -> Collections.unmodifiableList(new ArrayList<>(l)));
    Arbitrary<Object> nested = map(List.of("a", "b", "bots", "x"), value(depth - 1)).map(m -> (Object) m);
    return Arbitraries.frequencyOf(Tuple.of(5, scalar()), Tuple.of(2, list), Tuple.of(1, nested));
  }

  @Property(tries = 1)
  void scopeGenerator_producesCidrListsAsThePolicyCompilerDoes(@ForAll("scopes") List<ExpressionScope> scopes) {
    for (ExpressionScope s : scopes) {
      Object nets = s.getData().get("nets");
      if (nets instanceof List<?> l && l.contains("10.0.0.0/8") && !(nets instanceof CidrList)) {
        fail("nets were not prepared: " + nets.getClass());
      }
    }
  }
}
