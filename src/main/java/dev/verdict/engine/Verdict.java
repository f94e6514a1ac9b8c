package dev.verdict.engine;

import dev.verdict.Decision;
import dev.verdict.Diagnostic;
import dev.verdict.Identity;
import dev.verdict.PolicyLoadException;
import dev.verdict.Request;
import dev.verdict.SourceLocation;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.eval.Evaluator;
import dev.verdict.policy.CompiledPackage;
import dev.verdict.policy.CompiledPolicy;
import dev.verdict.rules.RuleSet;
import dev.verdict.rules.RuleSetReader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A policy decision point: the active compiled policy and the means to decide with it.
 *
 * <p>One instance is meant to be shared by every verticle of a service. The active policy is
 * immutable and swapped as a whole, so a caller that takes {@link #policy()} once per request
 * decides that request with exactly one complete policy. A reload that does not compile never
 * replaces it: the last good policy keeps deciding, the problems go to {@link #status()} and to
 * every {@link PolicyListener}.
 *
 * <pre>{@code
 * Verdict verdict = Verdict.fromDirectory(Path.of("rules"));
 * RulesWatcher watcher = RulesWatcher.start(verdict);        // hot reload on every edit
 * router.route("/api/*").handler(VerdictHandler.create(vertx, verdict, "moltbot.http"));
 * }</pre>
 *
 * <p>It owns the clock decisions are made by (the system clock unless one is injected): the
 * evaluator reads no clock, so {@code now} in expressions comes from here, and the adapters give
 * their token verifiers {@link #nowEpochSeconds()} too, so that a token's {@code exp} and an
 * expression's {@code now - token.auth_time} are judged at the same time.
 */
public final class Verdict {

  private static final System.Logger LOG = System.getLogger("verdict.policy");

  /** Where reloads read their rules from: a directory, or the sources last given to {@link #load}. */
  private final Path rulesDirectory;
  private final PolicyCompiler compiler;
  private final Clock clock;
  private final AtomicReference<CompiledPolicy> active;
  private final List<PolicyListener> listeners = new CopyOnWriteArrayList<>();
  private final String idPrefix;
  private final AtomicLong sequence = new AtomicLong();
  private volatile PolicyStatus status;
  private volatile Shadow shadow;

  private Verdict(Path rulesDirectory, PolicyCompiler compiler, Clock clock) {
    this.rulesDirectory = rulesDirectory;
    this.compiler = compiler;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.active = new AtomicReference<>(CompiledPolicy.empty());
    this.status = new PolicyStatus(false, null, null, List.of(), List.of(), 0, 0, null, null);
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
    Verdict verdict = unloaded(dir, environment, clock);
    verdict.reload();
    return verdict;
  }

  /**
   * A PDP over {@code dir} that has loaded nothing yet: it is not {@linkplain #isReady() ready}
   * and decides nothing until a {@link #reload()} succeeds. For servers that must answer health
   * checks (not ready) while a broken rule set waits to be fixed.
   */
  public static Verdict unloaded(Path dir, Function<String, String> environment) {
    return unloaded(dir, environment, Clock.systemUTC());
  }

  /** As {@link #unloaded(Path, Function)}, deciding at the times {@code clock} tells. */
  public static Verdict unloaded(Path dir, Function<String, String> environment, Clock clock) {
    return new Verdict(Objects.requireNonNull(dir, "dir"), PolicyCompiler.create(environment), clock);
  }

  /**
   * Compiles rule files held in memory (file name to YAML text), e.g. fetched from a ConfigMap or
   * a database by the embedding service; {@link #load(Map)} replaces them later.
   * {@code file:} references resolve against the working directory.
   */
  public static Verdict fromSources(Map<String, String> files, Function<String, String> environment)
      throws PolicyLoadException {
    Verdict verdict = new Verdict(null, PolicyCompiler.create(environment), Clock.systemUTC());
    verdict.load(files);
    return verdict;
  }

  /** A PDP over an already compiled policy; {@link #reload()} is not available. */
  public static Verdict of(CompiledPolicy policy) {
    return of(policy, Clock.systemUTC());
  }

  /** As {@link #of(CompiledPolicy)}, deciding at the times {@code clock} tells. */
  public static Verdict of(CompiledPolicy policy, Clock clock) {
    Verdict verdict = new Verdict(null, null, clock);
    verdict.swapIn(Objects.requireNonNull(policy, "policy"));
    return verdict;
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

  /** True once a policy is active; before that every package lookup finds nothing. */
  public boolean isReady() {
    return active.get() != CompiledPolicy.empty();
  }

  /** The active revision, when it was activated, and how the latest reload went. */
  public PolicyStatus status() {
    return status;
  }

  /** The rules directory reloads read, or {@code null} for a PDP built from memory or a policy. */
  public Path rulesDirectory() {
    return rulesDirectory;
  }

  public void addListener(PolicyListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(PolicyListener listener) {
    listeners.remove(listener);
  }

  /**
   * Recompiles the rules directory and, only if it compiles, makes it the active policy. On
   * failure the previous policy stays active and the exception lists every problem. A rule set
   * identical to the active one (same revision) is not swapped again.
   *
   * <p>Blocking (file reads, compilation): call it from a worker thread, never an event loop.
   */
  public CompiledPolicy reload() throws PolicyLoadException {
    if (rulesDirectory == null) throw new IllegalStateException("this Verdict was not loaded from a directory");
    return apply(() -> compiler.compileDirectory(rulesDirectory, active.get()));
  }

  /**
   * Compiles {@code files} (file name to YAML text) and, only if they compile, makes them the
   * active policy; as {@link #reload()} otherwise.
   */
  public CompiledPolicy load(Map<String, String> files) throws PolicyLoadException {
    if (compiler == null) throw new IllegalStateException("this Verdict was built from a compiled policy");
    Path here = Path.of("").toAbsolutePath();
    List<RuleSet.Source> sources = new ArrayList<>();
    files.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sources.add(new RuleSet.Source(e.getKey(), here, e.getValue())));
    return apply(() -> compiler.compile(RuleSetReader.read(sources), active.get()));
  }

  /** Replaces the active policy with one compiled elsewhere. */
  public void activate(CompiledPolicy policy) {
    synchronized (this) {
      swapIn(Objects.requireNonNull(policy, "policy"));
    }
  }

  /**
   * Evaluates {@code candidate}'s policy beside this one on every request the adapters decide
   * (handler, event bus, sidecar), never enforcing it: see {@link Shadow}. Replaces any earlier
   * candidate.
   */
  public Shadow shadow(Verdict candidate) {
    Shadow next = new Shadow(candidate, clock);
    shadow = next;
    return next;
  }

  /** The candidate evaluated in shadow mode, or {@code null}. */
  public Shadow shadow() {
    return shadow;
  }

  /** Stops shadow evaluation. */
  public void stopShadow() {
    shadow = null;
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

  @FunctionalInterface
  private interface Compilation {
    CompiledPolicy compile() throws PolicyLoadException;
  }

  /**
   * Compiles and swaps under one lock, so two reloads racing (a watcher and an operator) can
   * never activate an older rule set after a newer one.
   */
  private synchronized CompiledPolicy apply(Compilation compilation) throws PolicyLoadException {
    CompiledPolicy next;
    try {
      next = compilation.compile();
    } catch (PolicyLoadException e) {
      refused(e);
      throw e;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // A compiler bug, or a rule set too big or too deep for memory or stack, must not take
      // protection down either (nor the watcher thread that reloads): report it like a rule problem.
      PolicyLoadException wrapped = new PolicyLoadException(List.of(new Diagnostic(
          SourceLocation.of(rulesDirectory == null ? "<memory>" : rulesDirectory.toString()), "internal_error",
          "the compiler failed: " + e)));
      wrapped.initCause(e);
      refused(wrapped);
      throw wrapped;
    }
    CompiledPolicy previous = active.get();
    if (next.revision().equals(previous.revision())) {
      PolicyStatus s = status;
      status = new PolicyStatus(s.ready(), s.revision(), s.activatedAt(), s.files(), s.packages(), s.activations(),
          s.failures(), new PolicyStatus.Reload(clock.instant(), PolicyStatus.Result.UNCHANGED, next.revision()),
          s.lastError());
      tell(listener -> listener.unchanged(previous), "an unchanged reload");
      return previous;
    }
    swapIn(next);
    return next;
  }

  private void swapIn(CompiledPolicy next) {
    CompiledPolicy previous = active.getAndSet(next);
    Instant now = clock.instant();
    PolicyStatus s = status;
    status = new PolicyStatus(true, next.revision(), now, next.files(),
        next.packages().stream().map(CompiledPackage::name).sorted().toList(), s.activations() + 1, s.failures(),
        new PolicyStatus.Reload(now, PolicyStatus.Result.ACTIVATED, next.revision()), s.lastError());
    LOG.log(System.Logger.Level.DEBUG, "activated policy revision {0} ({1} files)", next.revision(),
        next.files().size());
    CompiledPolicy replaced = previous == CompiledPolicy.empty() ? null : previous;
    tell(listener -> listener.activated(next, replaced), "activation");
  }

  private void refused(PolicyLoadException problems) {
    Instant now = clock.instant();
    PolicyStatus s = status;
    status = new PolicyStatus(s.ready(), s.revision(), s.activatedAt(), s.files(), s.packages(), s.activations(),
        s.failures() + 1, new PolicyStatus.Reload(now, PolicyStatus.Result.FAILED, null),
        new PolicyStatus.Failure(now, problems.diagnostics()));
    LOG.log(System.Logger.Level.WARNING, "rules not activated; {0}: {1}",
        s.revision() == null ? "no policy is active yet" : "revision " + s.revision() + " keeps deciding",
        problems.getMessage());
    tell(listener -> listener.failed(problems), "a refused reload");
  }

  /** Tells every listener; one that throws is logged and does not stop the others. */
  private void tell(java.util.function.Consumer<PolicyListener> event, String what) {
    for (PolicyListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "policy listener failed on " + what, e);
      }
    }
  }
}
