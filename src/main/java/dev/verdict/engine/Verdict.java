package dev.verdict.engine;

import dev.verdict.Decision;
import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.eval.Evaluator;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A policy decision point: the active compiled policy and the means to decide with it.
 *
 * <p>One instance is meant to be shared by every verticle of a service. The active policy is
 * immutable and swapped as a whole, so a caller that takes {@link #policy()} once per request
 * decides that request with exactly one complete policy.
 *
 * <pre>{@code
 * Verdict verdict = Verdict.fromDirectory(Path.of("rules"));
 * router.route("/api/*").handler(VerdictHandler.create(vertx, verdict, "moltbot.http"));
 * }</pre>
 */
public final class Verdict {

  private final Path rulesDirectory;
  private final PolicyCompiler compiler;
  private final AtomicReference<CompiledPolicy> active;
  private final String idPrefix;
  private final AtomicLong sequence = new AtomicLong();

  private Verdict(Path rulesDirectory, PolicyCompiler compiler, CompiledPolicy initial) {
    this.rulesDirectory = rulesDirectory;
    this.compiler = compiler;
    this.active = new AtomicReference<>(Objects.requireNonNull(initial, "policy"));
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.idPrefix = HexFormat.of().formatHex(random) + "-";
  }

  /**
   * Compiles every rule file under {@code dir}, resolving {@code ${env:NAME}} from the process
   * environment. Nothing is returned unless the whole rule set compiles.
   */
  public static Verdict fromDirectory(Path dir) throws PolicyLoadException {
    return fromDirectory(dir, System::getenv);
  }

  /** As {@link #fromDirectory(Path)}, with secrets looked up through {@code environment}. */
  public static Verdict fromDirectory(Path dir, Function<String, String> environment) throws PolicyLoadException {
    PolicyCompiler compiler = PolicyCompiler.create(environment);
    return new Verdict(dir, compiler, compiler.compileDirectory(dir));
  }

  /** A PDP over an already compiled policy; {@link #reload()} is not available. */
  public static Verdict of(CompiledPolicy policy) {
    return new Verdict(null, null, policy);
  }

  /** The active policy. Take it once per request and use that snapshot throughout. */
  public CompiledPolicy policy() {
    return active.get();
  }

  /**
   * Recompiles the rules directory and, only if it compiles, makes it the active policy. On
   * failure the previous policy stays active and the exception lists every problem.
   *
   * <p>Blocking (file reads, compilation): call it from a worker thread, never an event loop.
   */
  public CompiledPolicy reload() throws PolicyLoadException {
    if (rulesDirectory == null) throw new IllegalStateException("this Verdict was not loaded from a directory");
    CompiledPolicy next = compiler.compileDirectory(rulesDirectory);
    active.set(next);
    return next;
  }

  /** Replaces the active policy with one compiled elsewhere. */
  public void activate(CompiledPolicy policy) {
    active.set(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Decides {@code request} for an identity that has already been verified, against the package
   * {@code pkg} of the snapshot {@code policy}.
   */
  public Decision decide(CompiledPolicy policy, CompiledPackage pkg, Request request, Identity identity) {
    return Evaluator.decide(pkg, request, identity, nextDecisionId(), policy.revision());
  }

  /**
   * Decides against the active policy's package named {@code packageName} (dotted, e.g.
   * {@code moltbot.http}).
   *
   * @throws IllegalArgumentException when the active policy has no such package
   */
  public Decision decide(String packageName, Request request, Identity identity) {
    CompiledPolicy policy = active.get();
    CompiledPackage pkg = policy.packageNamed(packageName);
    if (pkg == null) throw new IllegalArgumentException("no package `" + packageName + "` in the active policy");
    return decide(policy, pkg, request, identity);
  }

  /**
   * A process-unique id: a random prefix per PDP and a sequence number, in hex. Formatted only when
   * someone reads it ({@link Decision#decisionId()}): the string concatenation and hex formatting
   * were about a fifth of what a decision allocated, and an embedding service that lets a request
   * through usually never asks for the id.
   */
  CharSequence nextDecisionId() {
    return new DecisionIdText(idPrefix, sequence.incrementAndGet());
  }

  /**
   * {@code prefix + Long.toHexString(sequence)}, formatted on first read. Immutable as far as anyone
   * can tell: the cached text is computed from final fields, so threads that race to format it get
   * equal strings (the pattern of {@link String#hashCode()}).
   */
  static final class DecisionIdText implements CharSequence {
    private final String prefix;
    private final long sequence;
    private String text;

    DecisionIdText(String prefix, long sequence) {
      this.prefix = prefix;
      this.sequence = sequence;
    }

    @Override
    public String toString() {
      String t = text;
      if (t == null) text = t = prefix + Long.toHexString(sequence);
      return t;
    }

    @Override
    public int length() {
      return toString().length();
    }

    @Override
    public char charAt(int index) {
      return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return toString().subSequence(start, end);
    }
  }
}
