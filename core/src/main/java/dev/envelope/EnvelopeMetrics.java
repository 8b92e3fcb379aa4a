package dev.envelope;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Operation counters for an {@link Envelope}: messages and bytes encrypted and decrypted, and
 * failures by exception type. Without a registry every method is a no-op.
 */
final class EnvelopeMetrics {
  static final EnvelopeMetrics NONE = new EnvelopeMetrics(null);

  private final MeterRegistry registry;
  private final Counter encrypted;
  private final Counter decrypted;
  private final Counter bytesEncrypted;
  private final Counter bytesDecrypted;

  private EnvelopeMetrics(MeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      encrypted = decrypted = bytesEncrypted = bytesDecrypted = null;
    } else {
      encrypted =
          Counter.builder("envelope.messages")
              .tag("operation", "encrypt")
              .description("Messages encrypted")
              .register(registry);
      decrypted =
          Counter.builder("envelope.messages")
              .tag("operation", "decrypt")
              .description("Messages decrypted")
              .register(registry);
      bytesEncrypted =
          Counter.builder("envelope.plaintext.bytes")
              .tag("operation", "encrypt")
              .baseUnit("bytes")
              .register(registry);
      bytesDecrypted =
          Counter.builder("envelope.plaintext.bytes")
              .tag("operation", "decrypt")
              .baseUnit("bytes")
              .register(registry);
    }
  }

  static EnvelopeMetrics of(MeterRegistry registry) {
    return registry == null ? NONE : new EnvelopeMetrics(registry);
  }

  void encrypted(long plaintextBytes) {
    if (registry != null) {
      encrypted.increment();
      bytesEncrypted.increment(plaintextBytes);
    }
  }

  void decrypted(long plaintextBytes) {
    if (registry != null) {
      decrypted.increment();
      bytesDecrypted.increment(plaintextBytes);
    }
  }

  void failed(String operation, RuntimeException e) {
    if (registry != null) {
      registry
          .counter(
              "envelope.failures",
              "operation",
              operation,
              "exception",
              e.getClass().getSimpleName())
          .increment();
    }
  }
}
