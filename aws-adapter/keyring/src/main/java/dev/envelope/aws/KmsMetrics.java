package dev.envelope.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * The KMS keyrings' Micrometer meters, named by Micrometer's conventions (dots, base units):
 *
 * <ul>
 *   <li>{@code envelope.kms.calls}, a timer per KMS call as the keyring saw it (retries included),
 *       tagged {@code operation} ({@code GenerateDataKey}, {@code Encrypt}, {@code Decrypt}),
 *       {@code region} and {@code outcome}: {@code success}, {@code throttled} (ThrottlingException
 *       after the client's retries), {@code denied} (AccessDeniedException), {@code unavailable}
 *       (no answer, timeouts, KMS's 5xx errors), {@code rejected} (any other KMS error: disabled or
 *       missing key, wrong context, invalid ciphertext) or {@code cancelled} (the caller gave up on
 *       an asynchronous call);
 *   <li>{@code envelope.kms.retries}, a counter of the attempts the AWS SDK retried, and {@code
 *       envelope.kms.throttles}, a counter of attempts KMS throttled (retried or not), both tagged
 *       {@code operation} and {@code region}, read from the SDK's own per-request metrics;
 *   <li>{@code envelope.kms.in.flight}, a gauge of KMS calls under way, tagged {@code region},
 *       shared by every keyring reporting to the registry.
 * </ul>
 *
 * With no registry ({@link #NONE}) nothing is measured and requests carry no metric publisher.
 */
final class KmsMetrics {
  static final KmsMetrics NONE = new KmsMetrics(null);

  /** In-flight counts per registry and Region: one gauge per Region, whichever keyring calls. */
  private static final Map<MeterRegistry, ConcurrentMap<String, AtomicInteger>> IN_FLIGHT =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;

  private KmsMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  static KmsMetrics of(MeterRegistry registry) {
    return registry == null ? NONE : new KmsMetrics(registry);
  }

  /** Starts timing one call; the caller ends it with exactly one of the returned methods. */
  Timing start(String operation, String region) {
    if (registry == null) {
      return Timing.NOTHING;
    }
    AtomicInteger inFlight = inFlight(region);
    inFlight.incrementAndGet();
    return new Timing(this, operation, region, System.nanoTime(), inFlight);
  }

  /**
   * The per-request override that hands the SDK's metrics of this call (retries, throttled
   * attempts) to the counters; a no-op without a registry.
   */
  Consumer<AwsRequestOverrideConfiguration.Builder> requestOverride(String operation, KmsArn key) {
    if (registry == null) {
      return o -> {};
    }
    MetricPublisher publisher = new AttemptCounter(this, operation, key.region());
    return o -> o.addMetricPublisher(publisher);
  }

  private AtomicInteger inFlight(String region) {
    ConcurrentMap<String, AtomicInteger> byRegion =
        IN_FLIGHT.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
    return byRegion.computeIfAbsent(
        region,
        r -> {
          AtomicInteger count = new AtomicInteger();
          Gauge.builder("envelope.kms.in.flight", count, AtomicInteger::get)
              .tag("region", r)
              .description("KMS calls under way")
              .register(registry);
          return count;
        });
  }

  private void record(String operation, String region, String outcome, long nanos) {
    Timer.builder("envelope.kms.calls")
        .tag("operation", operation)
        .tag("region", region)
        .tag("outcome", outcome)
        .description("KMS calls made by Envelope's keyrings, retries included")
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private void count(String name, String description, String operation, String region, int n) {
    if (n > 0) {
      Counter.builder(name)
          .tag("operation", operation)
          .tag("region", region)
          .description(description)
          .register(registry)
          .increment(n);
    }
  }

  /** The {@code outcome} tag for a failed call. */
  static String outcome(Throwable failure) {
    if (failure instanceof CancellationException) {
      return "cancelled";
    }
    if (failure instanceof AwsServiceException e) {
      String code = KmsCalls.errorCode(e);
      if ("ThrottlingException".equals(code)) {
        return "throttled";
      }
      if ("AccessDeniedException".equals(code)) {
        return "denied";
      }
      return e.statusCode() >= 500 || code == null ? "unavailable" : "rejected";
    }
    if (failure instanceof SdkException) {
      return "unavailable";
    }
    return "rejected";
  }

  /** One call being timed. Ends once; later ends are ignored. */
  static final class Timing {
    static final Timing NOTHING = new Timing(null, null, null, 0, null);

    private final KmsMetrics metrics;
    private final String operation;
    private final String region;
    private final long startNanos;
    private final AtomicInteger inFlight;
    private final java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();

    private Timing(
        KmsMetrics metrics,
        String operation,
        String region,
        long startNanos,
        AtomicInteger inFlight) {
      this.metrics = metrics;
      this.operation = operation;
      this.region = region;
      this.startNanos = startNanos;
      this.inFlight = inFlight;
    }

    void succeeded() {
      end("success");
    }

    void failed(Throwable failure) {
      end(outcome(failure));
    }

    private void end(String outcome) {
      if (metrics == null || !ended.compareAndSet(false, true)) {
        return;
      }
      inFlight.decrementAndGet();
      metrics.record(operation, region, outcome, System.nanoTime() - startNanos);
    }
  }

  /** Reads retries and throttled attempts from the SDK's metrics of one call. */
  private static final class AttemptCounter implements MetricPublisher {
    private final KmsMetrics metrics;
    private final String operation;
    private final String region;

    AttemptCounter(KmsMetrics metrics, String operation, String region) {
      this.metrics = metrics;
      this.operation = operation;
      this.region = region;
    }

    @Override
    public void publish(MetricCollection call) {
      int retries = call.metricValues(CoreMetric.RETRY_COUNT).stream().mapToInt(i -> i).sum();
      long throttled =
          call.childrenWithName("ApiCallAttempt")
              .filter(a -> a.metricValues(CoreMetric.ERROR_TYPE).contains("Throttling"))
              .count();
      metrics.count(
          "envelope.kms.retries", "KMS attempts the AWS SDK retried", operation, region, retries);
      metrics.count(
          "envelope.kms.throttles",
          "KMS attempts answered with ThrottlingException",
          operation,
          region,
          (int) throttled);
    }

    @Override
    public void close() {}
  }
}
