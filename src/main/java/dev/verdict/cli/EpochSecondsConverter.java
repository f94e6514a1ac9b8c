package dev.verdict.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A point in time for `--now`: epoch seconds as JWT claims write it, or an ISO-8601 instant for people. */
final class EpochSecondsConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    String text = value.strip();
    if (text.matches("\\d{1,12}")) return Long.parseLong(text);
    try {
      return Instant.parse(text).getEpochSecond();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("`" + value + "` is not a time: give epoch seconds (1767268800) or "
          + "an ISO-8601 instant (2026-01-01T12:00:00Z)");
    }
  }
}
