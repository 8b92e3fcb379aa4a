package dev.envelope.aws;

import java.time.Duration;
import java.util.Objects;

/** The one check of this module's builders for a duration setting. */
final class Durations {
  private Durations() {}

  /**
   * {@code d}, if it is positive.
   *
   * @throws NullPointerException naming the setting if {@code d} is null
   * @throws IllegalArgumentException naming the setting if {@code d} is zero or negative
   */
  static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
    return d;
  }
}
