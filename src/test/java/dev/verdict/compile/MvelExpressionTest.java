package dev.verdict.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.verdict.Identity;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import dev.verdict.rules.Located;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expressions outside the fast subset keep failing closed however many requests they have seen. */
class MvelExpressionTest {

  private static ExpressionScope scope(Map<String, Object> claims) {
    return new ExpressionScope(Request.of("GET", "/x"), "/x", Map.of(), Identity.verified("u", Set.of(), claims), Map.of(), 0L);
  }

  @Test
  void warmedFallbackExpression_stillFailsOnAMissingClaim_neverAnswersFromACachedAccessor() {
    List<dev.verdict.Diagnostic> problems = new ArrayList<>();
    // The spaces around `.` keep it out of the fast subset, so MVEL evaluates it.
    Expression e = new ExpressionCompiler().compile(new Located("!(token . bots contains 'b9')",
        SourceLocation.of("test")), "test", problems);
    assertEquals(List.of(), problems);
    assertInstanceOf(MvelExpression.class, e);
    ExpressionScope withBots = scope(Map.of("bots", List.of("b1")));
    for (int i = 0; i < 1000; i++) assertEquals(true, e.evaluate(withBots));
    assertThrows(RuntimeException.class, () -> e.evaluate(scope(Map.of("sub", "u"))));
  }
}
