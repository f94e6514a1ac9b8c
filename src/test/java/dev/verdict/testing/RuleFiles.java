package dev.verdict.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.verdict.Diagnostic;
import dev.verdict.PolicyLoadException;
import dev.verdict.compile.PolicyCompiler;
import dev.verdict.policy.CompiledPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** Writes real rule files for tests and compiles them with an environment the test controls. */
public final class RuleFiles {

  /** Every `${env:NAME}` resolves to a 64-byte secret: strong enough for HS256, HS384 and HS512. */
  public static final Function<String, String> STRONG_SECRETS = name -> "x".repeat(64);

  /** The example policy shipped with the project; tests run from the module root. */
  public static final Path MOLTBOT_RULES = Path.of("rules");

  private RuleFiles() {}

  public static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  /** How diagnostics name a file outside the working directory: its absolute, normalised path. */
  public static String display(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  public static CompiledPolicy compile(Path dir) throws PolicyLoadException {
    return PolicyCompiler.create(STRONG_SECRETS).compileDirectory(dir);
  }

  /** The diagnostics of a rules directory that must not compile. */
  public static List<Diagnostic> diagnostics(Path dir, Function<String, String> environment) {
    return assertThrows(PolicyLoadException.class, () -> PolicyCompiler.create(environment).compileDirectory(dir))
        .diagnostics();
  }

  public static List<Diagnostic> diagnostics(Path dir) {
    return diagnostics(dir, STRONG_SECRETS);
  }

  /** Each diagnostic in its {@code file:line:col: error[code]: message} form. */
  public static List<String> rendered(List<Diagnostic> diagnostics) {
    return diagnostics.stream().map(Diagnostic::toString).toList();
  }
}
