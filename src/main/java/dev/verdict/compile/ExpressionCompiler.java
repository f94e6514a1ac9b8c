package dev.verdict.compile;

import dev.verdict.Diagnostic;
import dev.verdict.policy.Expression;
import dev.verdict.rules.Located;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.util.List;
import org.mvel2.MVEL;
import org.mvel2.ParserConfiguration;
import org.mvel2.ParserContext;

/**
 * Allow-list check, then MVEL compilation, of one rule expression; then, if the expression lies in
 * the fast subset, the {@link FastExpression} that evaluates it without MVEL.
 */
final class ExpressionCompiler {

  private final ParserConfiguration configuration = newConfiguration();

  /** The {@link Functions} rule expressions may call, found once: fresh compilations run per request. */
  private static final List<Method> IMPORTS = java.util.Arrays.stream(Functions.class.getDeclaredMethods())
      .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && Functions.NAMES.contains(m.getName()))
      .toList();

  /** MVEL's configuration for rule expressions: the {@link Functions} and nothing else imported. */
  static ParserConfiguration newConfiguration() {
    ParserConfiguration configuration = new ParserConfiguration();
    for (Method m : IMPORTS) configuration.addImport(m.getName(), m);
    return configuration;
  }

  /** What an expression must give: a route's `when` a boolean, a risk signal a number of points. */
  enum Expected { BOOLEAN, NUMBER }

  /** As {@link #compile(Located, String, Expected, List)} with no expectation about the value's type. */
  Expression compile(Located source, String what, List<Diagnostic> problems) {
    return compile(source, what, null, problems);
  }

  /** The compiled expression, or {@code null} after adding diagnostics. */
  Expression compile(Located source, String what, Expected expected, List<Diagnostic> problems) {
    List<String> refused = ExpressionValidator.problems(source.value());
    if (!refused.isEmpty()) {
      for (String reason : refused) {
        problems.add(new Diagnostic(source.location(), "expression_not_allowed", what + ": " + reason));
      }
      return null;
    }
    try {
      Serializable compiled = MVEL.compileExpression(source.value(), new ParserContext(configuration));
      String typeProblem = typeProblem(FastExpressionParser.staticKind(source.value()), expected);
      if (typeProblem != null) {
        problems.add(new Diagnostic(source.location(), "expression_type", what + ": " + typeProblem));
        return null;
      }
      // MVEL stays the syntax authority: only what it compiled may take the fast path.
      Expression fast = FastExpression.tryCompile(source.value(), source.location());
      return fast != null ? fast : new MvelExpression(source.value(), source.location());
    } catch (RuntimeException e) {
      problems.add(new Diagnostic(source.location(), "expression_syntax",
          what + ": cannot compile `" + source.value() + "`: " + firstLine(e.getMessage())));
      return null;
    }
  }

  private static String typeProblem(FastExpressionParser.ValueKind kind, Expected expected) {
    String gives = switch (kind) {
      case BOOLEAN -> "true or false";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case UNKNOWN -> null;
    };
    if (gives == null || expected == null) return null;
    if (expected == Expected.BOOLEAN && kind != FastExpressionParser.ValueKind.BOOLEAN) {
      return "gives " + gives + ", but must give true or false";
    }
    if (expected == Expected.NUMBER && kind != FastExpressionParser.ValueKind.NUMBER) {
      return "gives " + gives + ", but must give points (a number), e.g. `cond ? 30 : 0`";
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) return "syntax error";
    String line = message.strip().lines().findFirst().orElse("syntax error");
    return line.replaceAll("^\\[Error: ?", "").replaceAll("]$", "").toLowerCase(java.util.Locale.ROOT);
  }
}
