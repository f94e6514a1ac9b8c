package dev.verdict.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Short durations on the command line: {@code 250ms}, {@code 2s}, {@code 1m}; zero allowed. */
final class Durations implements ITypeConverter<Duration> {

  private static final Pattern SHAPE = Pattern.compile("(\\d{1,6})(ms|s|m)");

  @Override
  public Duration convert(String text) {
    Matcher m = SHAPE.matcher(text.trim());
    if (!m.matches()) {
      throw new TypeConversionException("duration `" + text + "` must look like `250ms`, `2s` or `1m`");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
