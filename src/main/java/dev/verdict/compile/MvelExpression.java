package dev.verdict.compile;

import dev.verdict.SourceLocation;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;

/**
 * An MVEL expression that passed the allow-list and compiled but lies outside the fast subset.
 *
 * <p>Evaluated by a fresh compilation every time. A compiled MVEL expression caches the accessor
 * it built on its first success and afterwards reads a missing map key as null instead of failing
 * ({@code !(token.bots contains 'x')} then turns a deny into an allow), so a shared compiled
 * expression would fail open. Fresh compilation is slow (microseconds) and is paid only by
 * expressions the fast path does not take.
 */
final class MvelExpression implements Expression {

  private final String source;
  private final SourceLocation location;

  MvelExpression(String source, SourceLocation location) {
    this.source = source;
    this.location = location;
  }

  @Override
  public Object evaluate(ExpressionScope scope) {
    return FastExpression.referenceEvaluate(source, scope);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public SourceLocation location() {
    return location;
  }

  @Override
  public String toString() {
    return source;
  }
}
