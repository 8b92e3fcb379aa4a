package dev.envelope.benchmarks.kms;

import dev.envelope.Envelope;
import dev.envelope.aws.KmsKeyProviderException;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.materials.CachingMaterialsManager;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Records per second through a {@link KmsKeyring} against the {@link LocalKms} with a request quota
 * and latency, for a sweep of cache bounds: where the quota, not the CPU, limits the record rate,
 * and what {@code maxMessages} a target rate needs. Not JMH: the interesting numbers (KMS calls,
 * throttling seen by callers, latency percentiles) are counts over a whole run, and the quota makes
 * runs wall-clock bound.
 *
 * <p>Each point gets a fresh cache and a full quota bucket; KMS calls are read from the local KMS's
 * audit log, so they are what KMS saw, retries included. The AWS SDK client uses its default
 * (standard) retry strategy, as an application would: throttled requests are retried with backoff
 * and only what is left after the retries reaches the caller.
 *
 * <p>After the sweep, the many-small-files case: the same threads encrypt small files as streams
 * through a cache of {@value #SMALL_FILES_MAX_MESSAGES} messages per key, first without declaring
 * their length (each stream bypasses the cache: one KMS call per file), then with {@code
 * encryptingStream(sink, context, expectedLength)}.
 */
public final class KmsQuotaBenchmark {
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "table", "orders");
  private static final String GENERATE = "GenerateDataKey";
  private static final String THROTTLING = "ThrottlingException";

  /** Messages per data key in the many-small-files case. */
  static final long SMALL_FILES_MAX_MESSAGES = 1000;

  private final KmsQuotaSettings settings;
  private final PrintStream log;
  private final List<SmallFilesPoint> smallFiles = new ArrayList<>();

  public KmsQuotaBenchmark(KmsQuotaSettings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /** The sweep's points, then the many-small-files points ({@link #smallFiles()}). */
  public List<KmsQuotaPoint> run() {
    List<KmsQuotaPoint> points = new ArrayList<>();
    smallFiles.clear();
    try (LocalKms kms =
        LocalKms.builder().requestsPerSecond(0).latency(settings.kmsLatency()).start()) {
      // One real KmsClient per Region with the SDK's default retry strategy; closed with the local
      // KMS.
      Map<String, KmsClient> clients = new ConcurrentHashMap<>();
      KmsKeyring keyring =
          KmsKeyring.builder()
              .generatorKeyId(
                  kms.keyArn(LocalKmsConfig.DEFAULT_ACCOUNT, LocalKmsConfig.DEFAULT_KEY_ID))
              .clientSupplier(
                  region ->
                      clients.computeIfAbsent(
                          region, r -> kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID, r)))
              .build();
      log.printf(
          "KMS quota benchmark: %d threads, quota %.0f req/s, latency %d ms, %s per bound%n",
          settings.threads(),
          settings.quotaPerSecond(),
          settings.kmsLatency().toMillis(),
          settings.pointDuration());
      // Warm up JIT and connections with the quota off, so the first point does not pay for them.
      measure(envelope(keyring, 1_000, false), settings.warmup(), 0, false);
      for (long maxMessages : settings.maxMessagesSweep()) {
        List<Boolean> modes =
            maxMessages == 0 || !settings.compareRefreshAhead()
                ? List.of(false)
                : List.of(false, true);
        for (boolean refreshAhead : modes) {
          kms.auditLog().clear();
          kms.setRequestsPerSecond(settings.quotaPerSecond()); // also refills the bucket
          KmsQuotaPoint point =
              measure(
                  envelope(keyring, maxMessages, refreshAhead),
                  settings.pointDuration(),
                  maxMessages,
                  refreshAhead);
          point = withKmsCounts(point, kms);
          points.add(point);
          log.printf(
              "  maxMessages %-7d%s %10.0f records/s  %8.0f KMS calls/M records  %d throttled by KMS,"
                  + " %d seen by callers  p50 %.0f us  p99 %.0f us%n",
              maxMessages,
              refreshAhead ? " refresh-ahead" : "",
              point.recordsPerSecond(),
              point.kmsCallsPerMillionRecords(),
              point.kmsThrottled(),
              point.callerThrottlingErrors(),
              point.p50Micros(),
              point.p99Micros());
          kms.setRequestsPerSecond(0);
        }
      }
      if (settings.smallFileSize() > 0) {
        for (boolean declared : List.of(false, true)) {
          kms.auditLog().clear();
          kms.setRequestsPerSecond(settings.quotaPerSecond());
          SmallFilesPoint p =
              measureSmallFiles(envelope(keyring, SMALL_FILES_MAX_MESSAGES, false), declared);
          List<AuditEvent> calls = kms.auditLog().events(e -> GENERATE.equals(e.operation()));
          p =
              new SmallFilesPoint(
                  p.lengthDeclared(),
                  p.threads(),
                  p.seconds(),
                  p.files(),
                  p.fileSize(),
                  p.maxMessages(),
                  calls.stream().filter(AuditEvent::succeeded).count(),
                  calls.stream().filter(e -> THROTTLING.equals(e.errorCode())).count(),
                  p.errors());
          smallFiles.add(p);
          log.printf(
              "  small files of %d B, %-26s %8.0f files/s  %8.1f KMS calls per 1000 files, %d errors%n",
              p.fileSize(),
              declared ? "streams with their length" : "streams without length",
              p.filesPerSecond(),
              p.kmsCallsPerThousandFiles(),
              p.errors());
          kms.setRequestsPerSecond(0);
        }
      }
    }
    return points;
  }

  /** The many-small-files points of the last {@link #run()}: without, then with, a length. */
  public List<SmallFilesPoint> smallFiles() {
    return List.copyOf(smallFiles);
  }

  /**
   * Caller threads stream small files (in 4 KiB writes, as a copy loop would) for one point's
   * duration, opening each stream with or without its length.
   */
  private SmallFilesPoint measureSmallFiles(Envelope envelope, boolean declared) {
    int n = settings.threads();
    int size = settings.smallFileSize();
    long[] files = new long[n];
    long[] errors = new long[n];
    Thread[] threads = new Thread[n];
    long start = System.nanoTime();
    long deadline = start + settings.pointDuration().toNanos();
    for (int i = 0; i < n; i++) {
      int id = i;
      threads[i] =
          new Thread(
              () -> {
                byte[] file = new byte[size];
                new Random(id).nextBytes(file);
                java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream(size + 1024);
                while (System.nanoTime() < deadline) {
                  sink.reset();
                  try (java.io.OutputStream out =
                      declared
                          ? envelope.encryptingStream(sink, CONTEXT, size)
                          : envelope.encryptingStream(sink, CONTEXT)) {
                    for (int off = 0; off < size; off += 4096) {
                      out.write(file, off, Math.min(4096, size - off));
                    }
                  } catch (java.io.IOException | RuntimeException e) {
                    errors[id]++;
                    continue;
                  }
                  files[id]++;
                }
              },
              "kms-small-files-" + i);
      threads[i].start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new SmallFilesPoint(
        declared,
        n,
        seconds,
        java.util.Arrays.stream(files).sum(),
        size,
        SMALL_FILES_MAX_MESSAGES,
        0,
        0,
        java.util.Arrays.stream(errors).sum());
  }

  private Envelope envelope(KmsKeyring keyring, long maxMessages, boolean refreshAhead) {
    Envelope.Builder b = Envelope.builder();
    if (maxMessages == 0) {
      return b.keyring(keyring).build();
    }
    return b.materialsManager(
            CachingMaterialsManager.builder()
                .keyring(keyring)
                .maxAge(Duration.ofMinutes(5))
                .maxMessages(maxMessages)
                .refreshAhead(refreshAhead)
                .build())
        .build();
  }

  private static KmsQuotaPoint withKmsCounts(KmsQuotaPoint p, LocalKms kms) {
    List<AuditEvent> calls = kms.auditLog().events(e -> GENERATE.equals(e.operation()));
    long ok = calls.stream().filter(AuditEvent::succeeded).count();
    long throttled = calls.stream().filter(e -> THROTTLING.equals(e.errorCode())).count();
    return new KmsQuotaPoint(
        p.maxMessages(),
        p.refreshAhead(),
        p.threads(),
        p.seconds(),
        p.records(),
        ok,
        throttled,
        p.callerThrottlingErrors(),
        p.otherErrors(),
        p.p50Micros(),
        p.p99Micros(),
        p.maxMicros());
  }

  /** Runs the caller threads for {@code duration}; KMS counts are filled in by the caller. */
  private KmsQuotaPoint measure(
      Envelope envelope, Duration duration, long maxMessages, boolean refreshAhead) {
    int n = settings.threads();
    Caller[] callers = new Caller[n];
    Thread[] threads = new Thread[n];
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int i = 0; i < n; i++) {
      callers[i] = new Caller(envelope, settings.recordSize(), deadline, i);
      threads[i] = new Thread(callers[i], "kms-quota-caller-" + i);
      threads[i].start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LatencyHistogram latencies = new LatencyHistogram();
    long records = 0;
    long throttled = 0;
    long other = 0;
    for (Caller c : callers) {
      latencies.add(c.latencies);
      records += c.records;
      throttled += c.throttled;
      other += c.otherErrors;
    }
    if (other > 0 && callers[0].firstError != null) {
      log.println("  first unexpected error: " + callers[0].firstError);
    }
    return new KmsQuotaPoint(
        maxMessages,
        refreshAhead,
        n,
        seconds,
        records,
        0,
        0,
        throttled,
        other,
        latencies.percentile(0.50) / 1e3,
        latencies.percentile(0.99) / 1e3,
        latencies.max() / 1e3);
  }

  /** One application thread: encrypts records until the deadline, timing each one. */
  private static final class Caller implements Runnable {
    private final Envelope envelope;
    private final byte[] record;
    private final long deadline;
    final LatencyHistogram latencies = new LatencyHistogram();
    long records;
    long throttled;
    long otherErrors;
    volatile Throwable firstError;

    Caller(Envelope envelope, int recordSize, long deadline, int seed) {
      this.envelope = envelope;
      this.record = new byte[recordSize];
      new Random(seed).nextBytes(record);
      this.deadline = deadline;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      while (now < deadline) {
        try {
          envelope.encrypt(record, CONTEXT);
          records++;
        } catch (KmsKeyProviderException e) {
          if (e.errorCode().filter(THROTTLING::equals).isPresent()) {
            throttled++;
          } else {
            noteOther(e);
          }
        } catch (RuntimeException e) {
          noteOther(e);
        }
        long end = System.nanoTime();
        latencies.record(end - now);
        now = end;
      }
    }

    private void noteOther(RuntimeException e) {
      otherErrors++;
      if (firstError == null) {
        firstError = e;
      }
    }
  }
}
