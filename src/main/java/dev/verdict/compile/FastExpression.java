package dev.verdict.compile;

import dev.verdict.SourceLocation;
import dev.verdict.policy.Expression;
import dev.verdict.policy.ExpressionScope;
import org.mvel2.MVEL;
import org.mvel2.ParserContext;

/**
 * A rule expression compiled into a tree of small immutable nodes and evaluated directly against
 * the {@link ExpressionScope}, without MVEL on the way.
 *
 * <p>Why it exists: a decision has a budget well under a microsecond, and MVEL spends about
 * 100 ns on even {@code userAgent == '' ? 45 : 0} (a stack machine, reflective or generated
 * accessors, one shared call site for every expression). Here each node is a final class with a
 * direct call, so the JIT sees one small monomorphic tree per expression.
 *
 * <p>MVEL stays the reference semantics. {@link FastExpressionParser} only accepts the shapes for
 * which this tree provably computes what a freshly compiled MVEL expression computes, including
 * when it throws (a throw denies, a value may allow); everything else stays an
 * {@link MvelExpression}. {@code FastExpressionProperties} generates random expressions and
 * scopes and checks that both agree (STYLE.md, habit 6).
 *
 * <p>The reference is a <em>fresh</em> MVEL compilation, because a long-lived MVEL expression
 * remembers the accessors it built for earlier inputs: after {@code token.bots} has once found
 * its key, MVEL answers {@code null} instead of failing when a later token lacks it. The tree
 * keeps no state between evaluations, so it always fails the way the first MVEL evaluation does.
 *
 * <p>A value the tree was not built for (a map class whose own methods MVEL would call for a
 * property name, a string indexed like an array, ...) makes a node give up with
 * {@link Unsupported}; that one evaluation is then answered by a fresh MVEL compilation. Values
 * from verified tokens and rule-file data never take that path.
 */
final class FastExpression implements Expression {

  private final String source;
  private final SourceLocation location;
  private final FastNodes.Node root;

  FastExpression(String source, SourceLocation location, FastNodes.Node root) {
    this.source = source;
    this.location = location;
    this.root = root;
  }

  /** The fast form of {@code source}, or {@code null} when it uses anything outside the fast subset. */
  static FastExpression tryCompile(String source, SourceLocation location) {
    FastNodes.Node root = FastExpressionParser.parse(source);
    return root == null ? null : new FastExpression(source, location, root);
  }

  @Override
  public Object evaluate(ExpressionScope scope) {
    try {
      return root.eval(scope);
    } catch (Unsupported e) {
      return referenceEvaluate(source, scope);
    }
  }

  /** The tree alone; throws {@link Unsupported} where {@link #evaluate} would ask MVEL. For tests. */
  Object evaluateWithoutReference(ExpressionScope scope) {
    return root.eval(scope);
  }

  /**
   * MVEL's answer from a compilation of its own, so that no accessor cached for an earlier
   * request decides this one. Slow (a compile per call); only values outside the fast subset get here.
   */
  static Object referenceEvaluate(String source, ExpressionScope scope) {
    return MVEL.executeExpression(
        MVEL.compileExpression(source, new ParserContext(ExpressionCompiler.newConfiguration())), scope);
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

  /**
   * A node met a value it was not built for. Carries no stack trace and is shared: it is control
   * flow inside {@link #evaluate}, never seen outside it.
   */
  static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Unsupported INSTANCE = new Unsupported();

    private Unsupported() {
      super("value outside the fast expression subset", null, false, false);
    }
  }
}
