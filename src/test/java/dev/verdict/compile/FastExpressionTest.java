package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.verdict.Diagnostic;
import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledRoute;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import dev.verdict.policy.Signal;
import dev.verdict.policy.StepUpRequirement;
import dev.verdict.rules.Located;
import dev.verdict.testing.RuleFiles;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mvel2.MVEL;
import org.mvel2.ParserContext;

/**
 * Which expressions take the fast path, and the MVEL behaviours it reproduces that are easy to get
 * wrong. {@code FastExpressionProperties} checks agreement on random input; these are the cases
 * worth reading.
 */
class FastExpressionTest {

  private static final Logger MVEL_LOG = Logger.getLogger("org.mvel2");

  static {
    MVEL_LOG.setLevel(Level.OFF);
  }

  private static final SourceLocation HERE = new SourceLocation("test.yaml", 3, 7);
  /** The decision time of {@link #SCOPE}: 2026-01-01T12:00:00Z. */
  private static final long NOW = 1_767_268_800L;

  /** A token with every kind of claim value, and Moltbot-like data. */
  private static ExpressionScope scope(Map<String, Object> claims) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("trusted_networks", List.of("10.0.0.0/8", "::1/128"));
    data.put("scripted_agents", List.of("curl", "wget"));
    data.put("limit", 3L);
    Request request = new Request("POST", "/api/bots/b1/messages", Map.of("user-agent", "curl/8.1"), "10.1.2.3");
    return new ExpressionScope(request, "/api/bots/b1/messages", Map.of("botId", "b1", "n", "5"),
        Identity.verified("u1", Set.of("chat:send"), claims), PolicyCompiler.prepareData(data), NOW);
  }

  private static Map<String, Object> claims() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("bots", List.of("b1", "b2"));
    c.put("i", 5);
    c.put("l", 5L);
    c.put("d", 5.0);
    c.put("s", "5");
    c.put("t", true);
    c.put("f", false);
    c.put("nul", null);
    c.put("m", Map.of("a", 1));
    c.put("auth_time", (int) (NOW - 600)); // as a JSON parser gives an epoch-seconds claim: an Integer
    c.put("amr", List.of("pwd", "mfa"));
    return Collections.unmodifiableMap(c);
  }

  private static final ExpressionScope SCOPE = scope(claims());

  private static Expression compile(String expression) {
    List<Diagnostic> problems = new ArrayList<>();
    Expression e = new ExpressionCompiler().compile(new Located(expression, HERE), "test", problems);
    assertEquals(List.of(), problems);
    assertNotNull(e);
    return e;
  }

  private static Object mvelFresh(String expression, ExpressionScope scope) {
    return FastExpressionProperties.mvelFresh(expression, scope);
  }

  // ---- what takes the fast path -----------------------------------------------------------------

  @Test
  void everyVariableExpressionsMaySee_isReadByTheFastPath() {
    // The validator lets through exactly ExpressionScope.VARIABLES; a name the fast path did not know
    // would silently leave every expression using it to MVEL.
    for (String variable : ExpressionScope.VARIABLES) {
      assertNotNull(FastNodes.Variable.named(variable), variable);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"now - token.auth_time <= 900", "now - token.auth_time <= 300", "now - token.auth_time",
      "now", "now > token.auth_time", "token.auth_time + 900 >= now", "now - token.l", "inList('mfa', token.amr)"})
  void stepUpShapes_takeTheFastPathAndAgreeWithMvel(String expression) {
    Expression e = compile(expression);
    assertInstanceOf(FastExpression.class, e, expression);
    assertEquals(mvelFresh(expression, SCOPE), e.evaluate(SCOPE), expression);
  }

  @Test
  void now_isTheDecisionTimeInEpochSeconds() {
    assertEquals(NOW, compile("now").evaluate(SCOPE));
    assertEquals(Boolean.TRUE, compile("now - token.auth_time <= 900").evaluate(SCOPE));
    assertEquals(Boolean.FALSE, compile("now - token.auth_time <= 300").evaluate(SCOPE));
  }

  @Test
  void everyMoltbotExpression_takesTheFastPath() throws Exception {
    CompiledPackage pkg = PolicyCompiler.create(RuleFiles.STRONG_SECRETS).compileDirectory(RuleFiles.MOLTBOT_RULES)
        .packageNamed("moltbot.http");
    List<Expression> expressions = new ArrayList<>();
    for (Signal s : pkg.signals()) expressions.add(s.expression());
    for (CompiledRoute r : pkg.routeList()) {
      if (r.when() != null) expressions.add(r.when());
      for (StepUpRequirement requirement : r.stepUp()) expressions.add(requirement.expression());
    }
    assertEquals(7, expressions.size(), expressions::toString);
    for (Expression e : expressions) {
      assertInstanceOf(FastExpression.class, e, e.source());
      assertEquals(mvelFresh(e.source(), SCOPE), e.evaluate(SCOPE), e.source());
      assertTrue(e.location().line() > 0, e.source());
    }
  }

  @Test
  void fastExpression_keepsSourceAndLocation() {
    Expression e = compile("userAgent == '' ? 45 : 0");
    assertInstanceOf(FastExpression.class, e);
    assertEquals("userAgent == '' ? 45 : 0", e.source());
    assertEquals(HERE, e.location());
    assertEquals("userAgent == '' ? 45 : 0", e.toString());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "token.bots contains params.botId",
      "!(token.bots contains params.botId)",
      "token.?team == 'blue' || token['team'] == null",
      "headers['x-device-id'] == null",
      "size(token.bots) > 1 && token.i >= data.limit",
      "token.i * 2 + token.l",
      "['b1', 'b2'] contains params.botId ? 0 : 20",
      "!cidr(ip, data.trusted_networks) && method != 'GET' ? 30 : 0",
      "token.a == token.b * token.c",
      "token.a * token.b + token.c * token.d - token.e",
      "lower(userAgent) contains 'curl' || userAgent == ''",
      "data.scripted_agents[0] == 'curl'",
      "min(token.i, 3) + token.d",
      "token.i > -5 && token.d <= 5.0",
  })
  void expressionInTheSubset_takesTheFastPath(String expression) {
    assertInstanceOf(FastExpression.class, compile(expression));
  }

  /** Literal networks are parsed once at compile time; the answers stay MVEL's, failures included. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "cidr(ip, '10.0.0.0/8')",
      "cidr(ip, '192.168.0.0/16')",
      "cidr(ip, ['192.168.0.0/16', '10.1.0.0/16'])",
      "cidr(ip, ['::1/128'])",
      "cidr(userAgent, '10.0.0.0/8')",
  })
  void cidrOfLiteralNetworks_answersAsMvel(String expression) {
    Expression e = compile(expression);
    assertInstanceOf(FastExpression.class, e);
    assertEquals(mvelFresh(expression, SCOPE), e.evaluate(SCOPE));
  }

  @Test
  void cidrOfALiteralThatIsNoNetwork_stillFailsWhenEvaluated() {
    Expression e = compile("cidr(ip, 'not a network')");
    assertThrows(RuntimeException.class, () -> e.evaluate(SCOPE));
    assertThrows(RuntimeException.class, () -> mvelFresh("cidr(ip, 'not a network')", SCOPE));
  }

  /** Each is a shape MVEL builds differently from standard precedence, or evaluates with state. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "token.i == token.l + token.d * token.i * token.l",   // three precedence levels: MVEL misplaces the third
      "token.i + 'a' contains 'a'",                          // folded: 'a' contains 'a' first
      "1 + token.i + (2) contains 1",                        // folded: (2) contains 1 first
      "token.i + '5' * token.i + 1",                         // typed String when the '5' was met: concatenates
      "'a' - size(token.bots) + size(token.bots)",           // typed from its operands, not its values
      "lower(token.f && 0)",                                 // refused when the argument is compiled, at run time
      "(token.t ? 10 : 20) / 4",                             // typed as Integer: integer division
      "1 * size(token.bots) / 4",                            // the same, through an Integer-typed product
      "1 == min(token.i, 3) - '5'",                         // typed as String from its operands: a cast fails
      "token.bots contains 'b1' == true",                    // contains takes one operand only
      "token.n + (2) contains 1",                            // ... on its left too: token.n + ((2) contains 1)
      "data.d != (2) contains 0",                            // found by FastExpressionProperties
      "lower(token == token.bots && 0)",                     // MVEL type-checks && operands: throws
      "!!token.s",                                           // compiled to token.s
      "-token.i",                                            // MVEL's sign node keeps the first type it saw
      "token.i == empty",                                    // BlankLiteral: equality is not symmetric
      "token . bots",                                        // spaced chains
      "'a\\'b' == token.s",                                  // escapes
      "token.i == 010",                                      // octal
      "token.i == 2147483647",                               // a Long literal
      "lower(userAgent, 'x')",                               // arity MVEL only checks at run time
      "['a' : 1]",                                           // inline map
  })
  void expressionOutsideTheSubset_staysWithMvel(String expression) {
    assertInstanceOf(MvelExpression.class, compile(expression));
  }

  // ---- MVEL behaviours it reproduces ------------------------------------------------------------

  /** Each row: expression, then what MVEL 2.5.2 answers ({@code throws}, or the value's string and class). */
  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiterString = " -> ", quoteCharacter = '"', textBlock = """
      token.missing                           -> throws
      token['missing']                        -> null
      token.?missing                          -> null
      token.?nul.x                            -> null
      token.nul.x                             -> throws
      token.nul.?x                            -> throws
      token['missing'].?x                     -> throws
      token.bots[5]                           -> throws
      token.bots[token.l]                     -> throws
      token.bots contains null                -> throws
      token.missing contains 'b1'             -> throws
      !(token.missing contains 'b1')          -> throws
      token.nul contains 'b1'                 -> false Boolean
      token.s contains 5                      -> true Boolean
      token.m contains 'a'                    -> true Boolean
      token.i contains 5                      -> false Boolean
      token.i == token.l                      -> true Boolean
      token.i == token.d                      -> true Boolean
      token.s == 5                            -> true Boolean
      token.s == token.i                      -> true Boolean
      token.t == 'yes'                        -> true Boolean
      token.f == ''                           -> true Boolean
      token.f == null                         -> false Boolean
      token.nul == false                      -> false Boolean
      token.nul < 5                           -> false Boolean
      5 < token.nul                           -> false Boolean
      token.s < 'a'                           -> true Boolean
      token.i / 2                             -> 2.5 Double
      token.i / token.l                       -> 1 Long
      token.i * token.l                       -> 25 Long
      token.i % 0                             -> throws
      token.l % 0                             -> 0 Long
      token.d / 0                             -> Infinity Double
      token.s * 2                             -> 10 Integer
      token.i + token.s                       -> 55 String
      token.nul + token.i                     -> null5 String
      token.i - token.nul                     -> null
      token.t + token.t                       -> truetrue String
      token.f || token.s                      -> throws
      token.t || token.s                      -> true Boolean
      token.f && token.s                      -> false Boolean
      token.s ? 1 : 2                         -> throws
      token.nul ? 1 : 2                       -> throws
      !token.s                                -> throws
      !token.nul                              -> throws
      !token.t == token.f                     -> true Boolean
      !token.s == token.s                     -> throws
      token.bots contains 'b1' && token.f     -> false Boolean
      token.f || token.bots contains 'b1'     -> true Boolean
      token.t || token.f ? 1 : 2              -> 1 Integer
      token.f ? 1 : token.t ? 2 : 3           -> 2 Integer
      size(token.i)                           -> throws
      min(token.s, 1)                         -> throws
      min(token.i, token.d)                   -> 5 Integer
      user.id                                 -> u1 String
      user.name                               -> throws
      token.i == -5                           -> false Boolean
      """)
  void fastPath_answersAsMvelDoes(String expression, String expected) {
    Expression e = compile(expression);
    assertInstanceOf(FastExpression.class, e, expression);
    assertEquals(expected, describe(() -> mvelFresh(expression, SCOPE)), "MVEL itself");
    assertEquals(expected, describe(() -> e.evaluate(SCOPE)), "fast path");
  }

  private static String describe(Callable<Object> evaluation) {
    try {
      Object v = evaluation.call();
      return v == null ? "null" : v + " " + v.getClass().getSimpleName();
    } catch (Exception e) {
      return "throws";
    }
  }

  /**
   * The reason the reference is a fresh MVEL compilation: a compiled MVEL expression caches the
   * accessor it built on its first successful evaluation, and afterwards reads a missing key as
   * null instead of failing. For a negated {@code contains} that turns a deny into an allow. The
   * fast path has no such memory.
   */
  @Test
  void missingClaim_afterAThousandGoodRequests_stillFails_whereWarmMvelAnswers() {
    String expression = "!(token.bots contains 'b9')";
    Serializable warm = MVEL.compileExpression(expression, new ParserContext(ExpressionCompiler.newConfiguration()));
    Expression fast = compile(expression);
    assertInstanceOf(FastExpression.class, fast);
    for (int i = 0; i < 1000; i++) {
      assertEquals(true, MVEL.executeExpression(warm, SCOPE));
      assertEquals(true, fast.evaluate(SCOPE));
    }
    Map<String, Object> withoutBots = new LinkedHashMap<>(claims());
    withoutBots.remove("bots");
    ExpressionScope noBots = scope(withoutBots);

    assertThrows(RuntimeException.class, () -> fast.evaluate(noBots));
    assertThrows(RuntimeException.class, () -> mvelFresh(expression, noBots));
    // MVEL 2.5.2 as it behaves; if this ever fails, MVEL has stopped failing open here.
    assertEquals(true, MVEL.executeExpression(warm, noBots));
  }

  @Test
  void valueOutsideTheSubset_isAnsweredByAFreshMvelCompilation() {
    // A String indexed like an array gives a Character: left to MVEL at run time.
    Expression e = compile("token.s[0] == token.s[0]");
    assertInstanceOf(FastExpression.class, e);
    assertThrows(FastExpression.Unsupported.class, () -> ((FastExpression) e).evaluateWithoutReference(SCOPE));
    assertEquals(true, e.evaluate(SCOPE));
  }

  /** A map with a getter of its own, as an embedding service might put into claims. */
  static final class ColoredMap extends java.util.AbstractMap<String, Object> {
    public String getColor() {
      return "blue";
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return Set.of(Map.entry("color", "red"), Map.entry("shade", "dark"));
    }
  }

  @Test
  void mapOfAnUnusualClass_whoseGetterMvelWouldCall_isAnsweredByMvel() {
    Map<String, Object> withCustom = new LinkedHashMap<>(claims());
    withCustom.put("custom", new ColoredMap());
    ExpressionScope custom = scope(withCustom);

    Expression color = compile("token.custom.color");
    assertInstanceOf(FastExpression.class, color);
    assertThrows(FastExpression.Unsupported.class, () -> ((FastExpression) color).evaluateWithoutReference(custom));
    assertEquals(describe(() -> mvelFresh("token.custom.color", custom)), describe(() -> color.evaluate(custom)));

    Expression shade = compile("token.custom.shade");
    assertEquals("dark", ((FastExpression) shade).evaluateWithoutReference(custom));
    assertEquals(mvelFresh("token.custom.shade", custom), shade.evaluate(custom));
  }

  @Test
  void propertyNamesThatMvelResolvesAsLiterals_areAllRefused() {
    org.mvel2.compiler.AbstractParser.setupParser();
    for (String literal : org.mvel2.compiler.AbstractParser.LITERALS.keySet()) {
      assertTrue(FastExpressionParser.REFUSED_PROPERTY_NAMES.contains(literal.toLowerCase(java.util.Locale.ROOT)),
          literal);
    }
  }

  @Test
  void membersOfTheUsualMapClasses_areAllRefusedAsPropertyNames() {
    // FastNodes reads these classes without a member lookup per request, relying on the parser's refusal.
    for (Class<?> c : List.of(Collections.unmodifiableMap(new java.util.HashMap<>()).getClass(), java.util.HashMap.class,
        LinkedHashMap.class, Map.of().getClass(), Map.of("a", 1).getClass())) {
      assertFalse(FastNodes.MemberNames.mayResolve(c, "bots"), c.getName());
      for (String member : FastNodes.MemberNames.of(c)) {
        assertTrue(FastExpressionParser.REFUSED_PROPERTY_NAMES.contains(member), c.getName() + "." + member);
      }
    }
  }

  @Test
  void oneFastExpression_sharedByManyThreads_givesEveryThreadTheSameAnswers() throws Exception {
    Expression e = compile("cidr(ip, data.trusted_networks) && token.bots contains params.botId ? token.i * 2 : -1");
    assertInstanceOf(FastExpression.class, e);
    Map<String, Object> other = new LinkedHashMap<>(claims());
    other.put("bots", List.of("b7"));
    other.put("i", 21);
    ExpressionScope a = SCOPE;
    ExpressionScope b = scope(other);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            if (!Integer.valueOf(10).equals(e.evaluate(a)) || !Integer.valueOf(-1).equals(e.evaluate(b))) return false;
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) assertTrue(r.get());
    } finally {
      pool.shutdownNow();
    }
    assertFalse(e.evaluate(b).equals(e.evaluate(a)));
  }
}
