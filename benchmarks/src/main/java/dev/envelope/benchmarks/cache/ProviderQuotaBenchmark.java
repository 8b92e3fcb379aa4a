package dev.envelope.benchmarks.cache;

import dev.envelope.Envelope;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.materials.CachingMaterialsManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How the cache bounds trade key-provider calls for record throughput when the provider has a request
 * quota and latency (a {@link SimulatedKeyProvider}: by default 100 requests/s, 2 ms per call). For each
 * {@code maxMessages} it reports records/s (the primary score) and, as secondary results,
 * {@code providerCallsPerMillionRecords} and {@code throttledPerMillionRecords}. {@code maxMessages = 0}
 * means no cache: every record calls the provider, so records/s is capped by the quota.
 *
 * <p>The quota is scaled down from KMS's thousands per second so that a short run shows the cap; the ratio
 * of records/s to quota is what carries over.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(2)
public class ProviderQuotaBenchmark {
  static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  @Param({"0", "1", "10", "100", "1000", "100000"})
  public long maxMessages;

  @Param({"100"})
  public double quotaPerSecond;

  @Param({"2"})
  public double latencyMillis;

  private SimulatedKeyProvider provider;
  private Envelope envelope;
  private byte[] record;
  final LongAdder records = new LongAdder();
  private long callsAtStart;
  private long throttledAtStart;
  private long recordsAtStart;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] wrappingKey = new byte[32];
    new SecureRandom().nextBytes(wrappingKey);
    Keyring local = RawAesKeyring.builder().keyNamespace("sim").keyName("key-1").wrappingKey(wrappingKey).build();
    // A bucket holding a tenth of a second of quota: bursts are short, as with a shared account quota.
    provider = new SimulatedKeyProvider(local, quotaPerSecond, Math.max(1, quotaPerSecond / 10),
        (long) (latencyMillis * 1_000_000));
    Envelope.Builder b = Envelope.builder();
    if (maxMessages == 0) {
      b.keyring(provider);
    } else {
      b.materialsManager(CachingMaterialsManager.builder().keyring(provider).maxAge(Duration.ofMinutes(5))
          .maxMessages(maxMessages).build());
    }
    envelope = b.build();
    record = new byte[1024];
  }

  @Setup(Level.Iteration)
  public void markIteration() {
    callsAtStart = provider.calls();
    throttledAtStart = provider.throttled();
    recordsAtStart = records.sum();
  }

  /** Per-iteration provider calls and throttled calls per million records, as JMH secondary results. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class ProviderLoad {
    /** Filled by the last thread's teardown; JMH sums events over threads, so only one thread reports. */
    public double providerCallsPerMillionRecords;
    public double throttledPerMillionRecords;
    ProviderQuotaBenchmark bench;
    boolean reporter;

    @Setup(Level.Iteration)
    public void reset(ProviderQuotaBenchmark bench) {
      this.bench = bench;
      providerCallsPerMillionRecords = 0;
      throttledPerMillionRecords = 0;
      synchronized (bench) {
        reporter = !bench.reporterTaken;
        bench.reporterTaken = true;
      }
    }

    @TearDown(Level.Iteration)
    public void report() {
      if (reporter) {
        long n = Math.max(1, bench.records.sum() - bench.recordsAtStart);
        providerCallsPerMillionRecords = (bench.provider.calls() - bench.callsAtStart) * 1e6 / n;
        throttledPerMillionRecords = (bench.provider.throttled() - bench.throttledAtStart) * 1e6 / n;
      }
      synchronized (bench) {
        bench.reporterTaken = false;
      }
    }
  }

  boolean reporterTaken;

  @Benchmark
  public byte[] encrypt1KiB(ProviderLoad load) {
    records.increment();
    return envelope.encrypt(record, CONTEXT);
  }
}
