package dev.verdict.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar target/verdict.jar}. */
@Command(name = "verdict", mixinStandardHelpOptions = true, version = "verdict 0.1.0",
    description = "Zero-trust policy decision point: check rule files, mint dev tokens, evaluate requests, serve the sidecar.",
    subcommands = {ServeCommand.class, CheckCommand.class, TestCommand.class, TokenCommand.class, EvalCommand.class,
        CommandLine.HelpCommand.class})
public final class VerdictCli {

  /**
   * The engine's reload log, silenced for the CLI: every subcommand prints rule problems itself,
   * and `serve` prints each reload. Held so JUL cannot collect the logger and forget the level.
   */
  private static final java.util.logging.Logger POLICY_LOG = java.util.logging.Logger.getLogger("verdict.policy");

  /** Exit codes shared by every subcommand. */
  static final int OK = 0;
  static final int PROBLEMS = 1;
  static final int USAGE = 2;

  public static void main(String[] args) {
    // One line per log record (time, level, logger, message), e.g. shadow-mode disagreements,
    // unless the operator configured JUL otherwise. Must be set before JUL formats anything.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format",
          "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s %5$s%6$s%n");
    }
    System.exit(run(args));
  }

  /** Runs the CLI without exiting. */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the CLI without exiting, writing to the given streams (for tests and embedding). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    // Vert.x logs through JUL unless told otherwise; keep it off SLF4J, which has no binding here.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
    POLICY_LOG.setLevel(java.util.logging.Level.OFF);
    // picocli answers bad usage with 2 (USAGE)
    return new CommandLine(new VerdictCli()).setOut(out).setErr(err).execute(args);
  }
}
