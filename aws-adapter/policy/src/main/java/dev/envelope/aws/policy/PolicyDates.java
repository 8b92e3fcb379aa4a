package dev.envelope.aws.policy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The date values Date condition operators accept: the W3C profile of ISO 8601 (a date, or a date
 * and time with or without an offset, read as UTC when it has none) or seconds since the epoch,
 * which is how aws:EpochTime reaches a Date operator.
 */
final class PolicyDates {
  private static final Pattern EPOCH = Pattern.compile("-?\\d+(\\.\\d+)?");

  private PolicyDates() {}

  static Optional<Instant> parse(String text) {
    String t = text.trim();
    try {
      if (EPOCH.matcher(t).matches()) {
        return Optional.of(
            Instant.ofEpochMilli(new java.math.BigDecimal(t).movePointRight(3).longValueExact()));
      }
      if (t.length() == 10) {
        return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      try {
        return Optional.of(OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeException noOffset) {
        return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
      }
    } catch (DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
