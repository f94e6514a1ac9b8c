package dev.verdict.policy;

import dev.verdict.SourceLocation;

/** A compiled rule expression. Evaluation may throw; callers deny when it does. */
public interface Expression {

  Object evaluate(ExpressionScope scope);

  /** The expression as written, for reasons and logs. */
  String source();

  SourceLocation location();
}
