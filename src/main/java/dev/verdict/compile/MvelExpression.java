package dev.verdict.compile;

import dev.verdict.SourceLocation;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import java.io.Serializable;
import org.mvel2.MVEL;

/** An MVEL expression that passed the allow-list and compiled. */
final class MvelExpression implements Expression {

  private final String source;
  private final SourceLocation location;
  private final Serializable compiled;

  MvelExpression(String source, SourceLocation location, Serializable compiled) {
    this.source = source;
    this.location = location;
    this.compiled = compiled;
  }

  @Override
  public Object evaluate(ExpressionScope scope) {
    return MVEL.executeExpression(compiled, scope);
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
