package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.policy.ExpressionScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code containsAny(lower(s), needles)} is evaluated without building {@code lower(s)}
 * ({@link Functions#containsAnyOfLowerCase}, {@link FastNodes.ContainsAnyOfLower}); the two calls
 * as written are the reference. Strings mix ASCII of both cases with characters whose lower case
 * is ASCII (Kelvin sign), longer (dotted capital I) or context-dependent (capital sigma).
 */
class ContainsAnyOfLowerProperties {

  private static final char[] ALPHABET = {'a', 'b', 'k', 'i', 'A', 'B', 'K', 'I', '/', ' ', '.', '1',
      '\u212A' /* KELVIN SIGN -> k */, '\u0130' /* I WITH DOT -> i + U+0307 */, '\u0307', '\u03A3', '\u03C3',
      '\u00C9', '\u00E9', '\u00DF'};

  private static String reference(String s, List<?> needles) {
    return String.valueOf(Functions.containsAny(Functions.lower(s), needles));
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.chars().with(ALPHABET).list().ofMaxSize(12)
        .map(cs -> cs.stream().map(String::valueOf).reduce("", String::concat));
  }

  @Provide
  Arbitrary<List<String>> needles() {
    return text().map(s -> s.length() > 4 ? s.substring(0, 4) : s).injectNull(0.1).list().ofMaxSize(4);
  }

  @Property(tries = 3000)
  void answersAsTheTwoCalls_orNotAtAll(@ForAll("text") String s, @ForAll("needles") List<String> needles) {
    Boolean fast = Functions.containsAnyOfLowerCase(s, needles);
    if (fast != null) assertEquals(reference(s, needles), String.valueOf(fast), () -> s + " " + needles);
    if (s.chars().allMatch(c -> c < 0x80)) assertEquals(reference(s, needles), String.valueOf(fast));
  }

  @Property(tries = 1000)
  void theCompiledExpression_answersAsMvel(@ForAll("text") String ua, @ForAll("needles") List<String> needles) {
    FastExpression e = FastExpression.tryCompile("containsAny(lower(userAgent), data.agents)", SourceLocation.of("t"));
    assertInstanceOf(FastNodes.ContainsAnyOfLower.class, rootOf(e));
    ExpressionScope scope = scope(ua, needles);
    assertEquals(String.valueOf(FastExpression.referenceEvaluate(e.source(), scope)), String.valueOf(e.evaluate(scope)),
        () -> ua + " " + needles);
  }

  @Example
  void examples() {
    List<String> agents = List.of("curl", "wget", "python-requests", "okhttp");
    assertEquals(Boolean.TRUE, Functions.containsAnyOfLowerCase("Mozilla/5.0 OkHttp/4.9", agents));
    assertEquals(Boolean.TRUE, Functions.containsAnyOfLowerCase("CURL/8.5.0", agents));
    assertEquals(Boolean.FALSE, Functions.containsAnyOfLowerCase(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0", agents));
    assertEquals(Boolean.TRUE, Functions.containsAnyOfLowerCase("anything", List.of("")));
    assertEquals(Boolean.FALSE, Functions.containsAnyOfLowerCase("CURL", List.of("CURL"))); // lower("CURL") has no "CURL"
    // The Kelvin sign lowers to an ASCII `k`: not decidable without lower-casing.
    assertNull(Functions.containsAnyOfLowerCase("o\u212Ahttp", List.of("okhttp")));
    assertEquals("true", reference("o\u212Ahttp", List.of("okhttp")));
    // A needle that is not a String is left to the calls as written.
    assertNull(Functions.containsAnyOfLowerCase("curl", Arrays.asList(null, 5)));
  }

  @Example
  void failures_areTheSame() {
    FastExpression e = FastExpression.tryCompile("containsAny(lower(userAgent), data.agents)", SourceLocation.of("t"));
    ExpressionScope notAList = new ExpressionScope(new Request("GET", "/", Map.of("user-agent", "curl"), ""), "/",
        Map.of(), Identity.anonymous(), Map.of("agents", "curl"), 0L);
    String fast = failure(() -> e.evaluate(notAList));
    String mvel = failure(() -> FastExpression.referenceEvaluate(e.source(), notAList));
    assertEquals(mvel != null, fast != null, fast + " / " + mvel);
  }

  private static String failure(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException ex) {
      return ex.getMessage();
    }
  }

  private static ExpressionScope scope(String ua, List<String> needles) {
    return new ExpressionScope(new Request("GET", "/", Map.of("user-agent", ua), ""), "/", Map.of(),
        Identity.anonymous(), Map.of("agents", new ArrayList<>(needles)), 0L);
  }

  private static FastNodes.Node rootOf(FastExpression e) {
    try {
      var f = FastExpression.class.getDeclaredField("root");
      f.setAccessible(true);
      return (FastNodes.Node) f.get(e);
    } catch (ReflectiveOperationException ex) {
      throw new AssertionError(ex);
    }
  }
}
