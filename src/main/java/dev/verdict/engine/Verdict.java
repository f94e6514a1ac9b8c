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
import java.time.Clock;
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
 *
 * <p>It owns the clock decisions are made by (the system clock unless one is injected): the
 * evaluator reads no clock, so {@code now} in expressions comes from here, and the adapters give
 * their token verifiers {@link #nowEpochSeconds()} too, so that a token's {@code exp} and an
 * expression's {@code now - token.auth_time} are judged at the same time.
 */
public final class Verdict {

  private final Path rulesDirectory;
  private final PolicyCompiler compiler;
  private final AtomicReference<CompiledPolicy> active;
  private final String idPrefix;
  private final AtomicLong sequence = new AtomicLong();
  private final Clock clock;

  private Verdict(Path rulesDirectory, PolicyCompiler compiler, CompiledPolicy initial, Clock clock) {
    this.rulesDirectory = rulesDirectory;
    this.compiler = compiler;
    this.clock = Objects.requireNonNull(clock, "clock");
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
    return fromDirectory(dir, environment, Clock.systemUTC());
  }

  /** As {@link #fromDirectory(Path, Function)}, deciding at the times {@code clock} tells. */
  public static Verdict fromDirectory(Path dir, Function<String, String> environment, Clock clock)
      throws PolicyLoadException {
    PolicyCompiler compiler = PolicyCompiler.create(environment);
    return new Verdict(dir, compiler, compiler.compileDirectory(dir), clock);
  }

  /** A PDP over an already compiled policy; {@link #reload()} is not available. */
  public static Verdict of(CompiledPolicy policy) {
    return of(policy, Clock.systemUTC());
  }

  /** As {@link #of(CompiledPolicy)}, deciding at the times {@code clock} tells. */
  public static Verdict of(CompiledPolicy policy, Clock clock) {
    return new Verdict(null, null, policy, clock);
  }

  /** The clock decisions are made by. */
  public Clock clock() {
    return clock;
  }

  /**
   * The current time of {@link #clock()} in epoch seconds: {@code now} in expressions, and the
   * time adapters verify tokens at.
   */
  public long nowEpochSeconds() {
    return clock.instant().getEpochSecond();
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
   * {@code pkg} of the snapshot {@code policy}, at the clock's current time.
   */
  public Decision decide(CompiledPolicy policy, CompiledPackage pkg, Request request, Identity identity) {
    return Evaluator.decide(pkg, request, identity, nowEpochSeconds(), nextDecisionId(), policy.revision());
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

  /** A process-unique id: a random prefix per PDP and a sequence number. */
  String nextDecisionId() {
    return idPrefix + Long.toHexString(sequence.incrementAndGet());
  }
}
