/**
 * The {@code verdict} command: one class per subcommand. Parses flags, calls the library, prints
 * results and sets the exit code. Contains no policy logic.
 */
package dev.verdict.cli;
