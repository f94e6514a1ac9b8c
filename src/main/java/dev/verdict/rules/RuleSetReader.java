package dev.verdict.rules;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.SourceLocation;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads rule files into a {@link RuleSet}. Every problem in every file is collected and reported
 * together, sorted by location, rather than stopping at the first.
 */
public final class RuleSetReader {

  /** Upper bound on reported problems, so a wholly wrong directory still gives a readable answer. */
  public static final int MAX_DIAGNOSTICS = 100;

  /** Largest rule file read: 4 MiB. Larger files are refused before they are read into memory. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private RuleSetReader() {}

  /** Rule files are {@code *.yaml} / {@code *.yml} under {@code dir}, recursively, except {@code *.test.yaml}. */
  public static boolean isRuleFile(Path file) {
    String name = file.getFileName().toString();
    return (name.endsWith(".yaml") || name.endsWith(".yml"))
        && !name.endsWith(".test.yaml") && !name.endsWith(".test.yml")
        && !name.startsWith(".");
  }

  /** Reads every rule file under {@code dir}. */
  public static RuleSet read(Path dir) throws PolicyLoadException {
    List<RuleSet.Source> sources = new ArrayList<>();
    List<Diagnostic> problems = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      throw new PolicyLoadException(List.of(new Diagnostic(SourceLocation.of(dir.toString()), "not_a_directory",
          "rules directory `" + dir + "` does not exist or is not a directory")));
    }
    List<Path> files = listFiles(dir, RuleSetReader::isRuleFile, problems);
    for (Path file : files) {
      String display = displayName(file);
      try {
        byte[] bytes = readAtMost(file, MAX_FILE_BYTES);
        if (bytes == null) {
          problems.add(new Diagnostic(SourceLocation.of(display), "file_too_large",
              "rule file is larger than the limit of " + MAX_FILE_BYTES + " bytes (4 MiB)"));
          continue;
        }
        sources.add(new RuleSet.Source(display, file.toAbsolutePath().getParent(), decodeUtf8(bytes)));
      } catch (InvalidUtf8 e) {
        problems.add(new Diagnostic(new SourceLocation(display, e.line, e.column), "invalid_encoding",
            "file is not valid UTF-8 from here on"));
      } catch (IOException e) {
        problems.add(new Diagnostic(SourceLocation.of(display), "io_error", "cannot read file: " + e.getMessage()));
      }
    }
    if (files.isEmpty()) {
      problems.add(new Diagnostic(SourceLocation.of(dir.toString()), "no_rule_files",
          "no rule files (`*.yaml`) in `" + dir + "`"));
    }
    return parse(sources, problems);
  }

  /** Reads in-memory sources, e.g. from a test or a ConfigMap fetched by the embedding service. */
  public static RuleSet read(List<RuleSet.Source> sources) throws PolicyLoadException {
    return parse(sources, new ArrayList<>());
  }

  private static RuleSet parse(List<RuleSet.Source> sources, List<Diagnostic> problems) throws PolicyLoadException {
    List<PackageSpec> packages = new ArrayList<>();
    Map<String, PackageSpec> byName = new HashMap<>();
    for (RuleSet.Source source : sources) {
      PackageSpec spec = new RuleFileParser(source, problems).parse();
      if (spec == null) continue;
      PackageSpec previous = byName.putIfAbsent(spec.name().value(), spec);
      if (previous != null) {
        problems.add(new Diagnostic(spec.name().location(), "duplicate_package",
            "package `" + spec.name().value() + "` is already defined in " + previous.name().location()));
        continue;
      }
      packages.add(spec);
    }
    if (!problems.isEmpty()) {
      List<Diagnostic> sorted = problems.stream().sorted().limit(MAX_DIAGNOSTICS).toList();
      throw new PolicyLoadException(sorted);
    }
    return new RuleSet(packages, sources);
  }

  /**
   * The wanted files under {@code dir}, recursively and in path order. Symbolic links are followed
   * (Kubernetes ConfigMap volumes are made of them); dot-directories are skipped (ConfigMaps keep
   * old and new copies in `..data`-style ones); a link to nothing or a link loop is a diagnostic,
   * never silently skipped.
   */
  static List<Path> listFiles(Path dir, java.util.function.Predicate<Path> wanted, List<Diagnostic> problems)
      throws PolicyLoadException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (java.util.Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
        Path p = it.next();
        if (hasHiddenPart(dir.relativize(p)) || !wanted.test(p)) continue;
        if (Files.isRegularFile(p)) {
          files.add(p);
        } else if (Files.isSymbolicLink(p) && !Files.exists(p)) {
          problems.add(new Diagnostic(SourceLocation.of(displayName(p)), "broken_link",
              "`" + displayName(p) + "` is a symbolic link to nothing"));
        }
      }
    } catch (java.io.UncheckedIOException e) {
      String what = e.getCause() instanceof java.nio.file.FileSystemLoopException loop
          ? "symbolic links loop at `" + loop.getFile() + "`" : String.valueOf(e.getCause().getMessage());
      throw new PolicyLoadException(List.of(new Diagnostic(SourceLocation.of(dir.toString()), "io_error",
          "cannot list `" + dir + "`: " + what)));
    } catch (IOException e) {
      throw new PolicyLoadException(List.of(new Diagnostic(SourceLocation.of(dir.toString()), "io_error",
          "cannot list `" + dir + "`: " + e.getMessage())));
    }
    files.sort(null);
    return files;
  }

  /**
   * The content of {@code file}, or {@code null} when it holds more than {@code limit} bytes. Never
   * reads more than {@code limit + 1} bytes, however large the file is (or grows while being read):
   * an unbounded read of a multi-gigabyte file would throw {@link OutOfMemoryError}.
   */
  public static byte[] readAtMost(Path file, int limit) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(limit + 1);
      return bytes.length > limit ? null : bytes;
    }
  }

  /**
   * Whether a path below the rules directory passes through a dot-entry, which the reader skips
   * (ConfigMap `..2026_…` copies, editor swap files); the watcher skips the same ones.
   */
  public static boolean hasHiddenPart(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) return true;
    }
    return false;
  }

  static String displayName(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  /** The text of a rule file, or the position of its first byte that is not UTF-8. */
  private static String decodeUtf8(byte[] bytes) throws InvalidUtf8 {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, out, true);
    if (result.isError()) {
      // `out` holds the valid text before the bad byte: its lines and last line's length place it.
      out.flip();
      int line = 1;
      int column = 1;
      for (int i = 0; i < out.length(); i++) {
        if (out.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      throw new InvalidUtf8(line, column);
    }
    out.flip();
    return out.toString();
  }

  /** Where a file stops being UTF-8. */
  private static final class InvalidUtf8 extends Exception {
    final int line;
    final int column;

    InvalidUtf8(int line, int column) {
      super(null, null, false, false);
      this.line = line;
      this.column = column;
    }
  }
}
