package dev.verdict.engine;

import dev.verdict.PolicyLoadException;
import dev.verdict.rules.RuleSetReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hot reload: watches a {@link Verdict}'s rules directory and reloads it when anything under it
 * changes. Rule sets that do not compile are refused by {@link Verdict#reload()} (the last good
 * policy keeps deciding); this class only decides <em>when</em> to reload.
 *
 * <p>What it sees: files created, changed, deleted or renamed anywhere under the directory
 * (recursively, symbolic links followed), editors that save through a temporary file and a
 * rename, and Kubernetes ConfigMap volumes, which publish an update by swapping a {@code ..data}
 * symbolic link: directories are watched, never single files, so a replaced file or link is
 * noticed. Events are debounced (a burst of writes is one reload) and, as a safety net for file
 * systems whose change events are unreliable (network mounts, overflowing event queues), the
 * directory is also re-scanned every {@code pollInterval}: a change of any file's size,
 * modification time or identity triggers a reload too.
 *
 * <p>Runs on one daemon thread of its own, which also compiles: nothing here touches an event
 * loop. It lives in the engine rather than the Vert.x adapters because it needs nothing from
 * Vert.x and any embedding (or the CLI) can use it.
 */
public final class RulesWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("verdict.watcher");

  /**
   * @param debounce     quiet time after the last change before reloading
   * @param pollInterval how often the directory is re-scanned when no change event arrives
   * @param changeEvents use the operating system's change events; {@code false} relies on the
   *                     re-scan alone (for file systems that send none, e.g. some network mounts)
   */
  public record Options(Duration debounce, Duration pollInterval, boolean changeEvents) {
    public Options {
      Objects.requireNonNull(debounce, "debounce");
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (debounce.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("debounce must be >= 0 and pollInterval > 0");
      }
    }

    /** Change events, re-scanned with this debounce and interval. */
    public Options(Duration debounce, Duration pollInterval) {
      this(debounce, pollInterval, true);
    }

    /** 100 ms debounce, change events, 2 s re-scan. */
    public static Options defaults() {
      return new Options(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** No change events: a re-scan every {@code interval}. */
    public static Options polling(Duration interval) {
      return new Options(Duration.ZERO, interval, false);
    }
  }

  /** A burst longer than this many debounce periods still reloads, so a busy writer cannot starve it. */
  private static final int MAX_DEBOUNCE_ROUNDS = 20;

  private final Verdict verdict;
  private final Path dir;
  private final Options options;
  private final WatchService watchService;
  /** The watch of every directory watched, by {@link #identity}. */
  private final Map<Object, WatchKey> watched = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean warnedAboutRegistration;
  /** The directory as last reloaded (or as found at start). */
  private String fingerprint;

  private RulesWatcher(Verdict verdict, Options options) {
    this.verdict = verdict;
    this.dir = verdict.rulesDirectory();
    this.options = options;
    this.watchService = options.changeEvents() ? newWatchServiceOrNull(dir, options) : null;
    registerDirectories();
    this.fingerprint = fingerprint();
    this.thread = new Thread(this::run, "verdict-rules-watcher");
    thread.setDaemon(true);
  }

  /**
   * The file system's change events, or {@code null} when it has none to give (for example the
   * per-user limit of inotify instances is reached): hot reload then relies on the re-scan, which
   * is slower but sees every change, rather than not starting at all.
   */
  private static WatchService newWatchServiceOrNull(Path dir, Options options) {
    try {
      return dir.getFileSystem().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.WARNING, "no change events for " + dir + " (" + e + "); re-scanning every "
          + options.pollInterval().toMillis() + " ms instead");
      return null;
    }
  }

  /** Starts watching {@code verdict}'s rules directory with {@link Options#defaults()}. */
  public static RulesWatcher start(Verdict verdict) {
    return start(verdict, Options.defaults());
  }

  /**
   * Starts watching. Changes made after this returns are seen; the caller loads the first policy
   * itself (e.g. {@link Verdict#fromDirectory}).
   *
   * @throws IllegalArgumentException when {@code verdict} was not built over a directory
   */
  public static RulesWatcher start(Verdict verdict, Options options) {
    if (verdict.rulesDirectory() == null) {
      throw new IllegalArgumentException("this Verdict has no rules directory to watch");
    }
    RulesWatcher watcher = new RulesWatcher(verdict, options);
    watcher.thread.start();
    return watcher;
  }

  /** Stops watching; a reload in progress finishes. */
  @Override
  public void close() {
    running = false;
    try {
      if (watchService != null) watchService.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the watch service", e);
    }
    thread.interrupt();
  }

  private void run() {
    while (running) {
      try {
        WatchKey key = nextEvent();
        if (key != null) {
          drain(key);
          waitUntilQuiet();
        }
        // Taken before reading the rules: a write that lands during the reload changes the
        // fingerprint again, so it is reloaded too rather than lost.
        String now = fingerprint();
        boolean changed = key != null || !now.equals(fingerprint);
        if (!changed || !running) continue;
        fingerprint = now;
        registerDirectories();
        reload();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (running) LOG.log(System.Logger.Level.WARNING, "rules watcher stopped unexpectedly", e);
        return;
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        // The watcher must outlive any single bad moment (a directory vanishing mid-scan, a reload
        // that ran out of memory): if this thread ended, every later edit would be silently ignored.
        LOG.log(System.Logger.Level.WARNING, "rules watcher error; watching on", e);
      }
    }
  }

  /** The next change event, or {@code null} when none came within the re-scan interval. */
  private WatchKey nextEvent() throws InterruptedException {
    if (watchService == null) {
      Thread.sleep(options.pollInterval().toMillis());
      return null;
    }
    return watchService.poll(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void waitUntilQuiet() throws InterruptedException {
    long debounceMillis = options.debounce().toMillis();
    for (int round = 0; round < MAX_DEBOUNCE_ROUNDS; round++) {
      WatchKey more = debounceMillis == 0 ? watchService.poll()
          : watchService.poll(debounceMillis, TimeUnit.MILLISECONDS);
      if (more == null) return;
      drain(more);
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents(); // what changed does not matter: the whole directory is recompiled
    key.reset();
  }

  private void reload() {
    try {
      verdict.reload();
    } catch (PolicyLoadException e) {
      // Already recorded in the status and told to listeners by the Verdict.
    }
  }

  /**
   * Watches exactly the directories under the rules directory, by identity (the file system's
   * file key, else the real path). Dot-directories are skipped, as the reader skips them: a
   * ConfigMap's {@code ..2026_…} copies never change in place, and the swap of {@code ..data}
   * shows in the top directory.
   *
   * <p>A directory deleted and created again (the rules directory itself included) is a new
   * directory with a dead watch: it is registered again, or its edits would wait for the re-scan.
   * A directory no longer under the rules directory (a link to elsewhere removed, a sub-directory
   * moved away) stops being watched, or every write there would reload the rules. When the walk
   * fails (a link loop, a directory vanishing mid-walk), nothing new is registered but the rules
   * directory itself: a loop through {@code ..} would otherwise watch its parents.
   */
  private void registerDirectories() {
    if (watchService == null) return;
    Map<Object, Path> found = new LinkedHashMap<>();
    boolean complete = true;
    try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
        Path p = it.next();
        if (!Files.isDirectory(p) || RuleSetReader.hasHiddenPart(dir.relativize(p))) continue;
        found.putIfAbsent(identity(p), p);
      }
    } catch (IOException | UncheckedIOException e) {
      complete = false;
      LOG.log(System.Logger.Level.DEBUG, "registering rule directories", e);
    }
    if (complete) {
      for (Iterator<Map.Entry<Object, WatchKey>> it = watched.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Object, WatchKey> e = it.next();
        if (!found.containsKey(e.getKey())) {
          e.getValue().cancel();
          it.remove();
        }
      }
    } else {
      found.entrySet().removeIf(e -> !e.getValue().equals(dir));
    }
    for (Map.Entry<Object, Path> e : found.entrySet()) {
      WatchKey key = watched.get(e.getKey());
      if (key != null && key.isValid()) continue;
      try {
        watched.put(e.getKey(), e.getValue().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
      } catch (IOException | RuntimeException ex) {
        // Typically the per-user inotify watch limit: this directory's changes are still found by
        // the re-scan, only later. Said once, not on every registration pass.
        if (!warnedAboutRegistration) {
          warnedAboutRegistration = true;
          LOG.log(System.Logger.Level.WARNING, "cannot watch " + e.getValue() + " for changes (" + ex
              + "); its edits are picked up by the re-scan every " + options.pollInterval().toMillis() + " ms");
        }
      }
    }
  }

  /** What makes a directory the same directory: its file key (device and inode), else its real path. */
  private static Object identity(Path directory) throws IOException {
    Object key = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
    return key != null ? key : directory.toRealPath();
  }

  /**
   * A digest of every file's path, size, modification time and identity under the rules
   * directory (links followed, dot-entries included: ConfigMap swaps change the link targets).
   */
  String fingerprint() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
    try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      for (Iterator<Path> it = walk.sorted().iterator(); it.hasNext(); ) {
        Path p = it.next();
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (!a.isRegularFile()) continue;
        digest.update((dir.relativize(p) + "|" + a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|"
            + a.fileKey() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException | UncheckedIOException e) {
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      String what = cause instanceof FileSystemLoopException ? "loop" : String.valueOf(cause);
      return "unreadable: " + what;
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
