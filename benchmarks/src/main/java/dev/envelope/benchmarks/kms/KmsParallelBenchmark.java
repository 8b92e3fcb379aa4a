package dev.envelope.benchmarks.kms;

import dev.envelope.Envelope;
import dev.envelope.aws.CachingKmsAsyncClientSupplier;
import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.KeyConfig;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * Two measurements against a local KMS that answers every request after an injected latency
 * (default 20 ms), over HTTP with the real AWS SDK clients. Not JMH: what matters is latency per
 * message in KMS round trips, and threads, over whole runs that the injected latency makes
 * wall-clock bound.
 *
 * <ol>
 *   <li><b>Three Regions.</b> One message wrapped under a generator key in us-east-1 and keys in
 *       us-west-2 and eu-west-1: the Encrypts one after another (the sequential baseline, a wrap
 *       executor that runs inline), together (the default, blocking and asynchronous API), and with
 *       the data key generated locally and wrapped by all three at once. Per mode: median and p90
 *       latency of one encryption, and the KMS round trips per message counted from the local KMS's
 *       audit log (arrival times; requests less than half a latency apart are one round).
 *   <li><b>In flight.</b> N (default 1,000) encryptions started at once with {@code encryptAsync}
 *       on a KMS keyring on {@code KmsAsyncClient}, whose Netty event loop and future-completion
 *       pool have 2 threads each: how long the caller's thread took to start them all, the peak of
 *       {@code envelope.kms.in.flight}, the JVM threads added, and the time for all; next to the
 *       same N messages on a pool of blocking threads.
 * </ol>
 *
 * Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.envelope.benchmarks.kms.KmsParallelBenchmark [latencyMs] [messagesPerMode] [inFlight]}.
 */
public final class KmsParallelBenchmark {
  static final String ACCOUNT = "111122223333";
  static final String EAST = arn("us-east-1", "e0000000-0000-4000-8000-000000000001");
  static final String WEST = arn("us-west-2", "b0000000-0000-4000-8000-000000000001");
  static final String EU = arn("eu-west-1", "f0000000-0000-4000-8000-000000000001");
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");
  private static final byte[] RECORD = new byte[1024];

  /** One way of wrapping for three Regions, measured. */
  public record ModeResult(
      String mode, double medianMillis, double p90Millis, double roundTripsPerMessage) {}

  /** The in-flight run: the asynchronous API against a blocking thread pool. */
  public record InFlightResult(
      int messages,
      double startAllMillis,
      double callerRunnableShare,
      long peakInFlight,
      int threadsAdded,
      double asyncTotalMillis,
      int blockingThreads,
      double blockingTotalMillis) {}

  public record Result(
      Duration latency, int messagesPerMode, List<ModeResult> modes, InFlightResult inFlight) {}

  private final Duration latency;
  private final int messagesPerMode;
  private final int inFlight;
  private final PrintStream log;

  public KmsParallelBenchmark(
      Duration latency, int messagesPerMode, int inFlight, PrintStream log) {
    this.latency = latency;
    this.messagesPerMode = messagesPerMode;
    this.inFlight = inFlight;
    this.log = log;
  }

  public static void main(String[] args) throws Exception {
    Duration latency = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 20);
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Result r = new KmsParallelBenchmark(latency, messages, inFlight, System.out).run();
    System.out.println();
    System.out.print(markdown(r));
  }

  static String arn(String region, String id) {
    return "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + id;
  }

  private static KeyConfig key(String arn) {
    return KeyConfig.builder()
        .keyId(arn.substring(arn.indexOf("key/") + 4))
        .accountId(ACCOUNT)
        .region(arn.split(":")[3])
        .build();
  }

  public Result run() throws Exception {
    String iam =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],"
            + "\"Resource\":\"*\"}]}";
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(PrincipalConfig.of("APP", "arn:aws:iam::" + ACCOUNT + ":role/App", iam))
            .key(key(EAST))
            .key(key(WEST))
            .key(key(EU))
            .latency(latency)
            .build();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("APP", "unused-secret"));
    try (LocalKms kms = LocalKms.start(config);
        CachingKmsClientSupplier blocking =
            CachingKmsClientSupplier.builder()
                .endpointOverride(kms.endpoint())
                .credentialsProvider(credentials)
                .build();
        CachingKmsAsyncClientSupplier async =
            CachingKmsAsyncClientSupplier.builder()
                .endpointOverride(kms.endpoint())
                .credentialsProvider(credentials)
                .build()) {
      log.printf(
          "KMS parallel benchmark: latency %d ms, %d messages per mode, %d in flight%n",
          latency.toMillis(), messagesPerMode, inFlight);
      List<ModeResult> modes = new ArrayList<>();
      modes.add(
          mode(
              kms,
              "sequential (baseline)",
              false,
              keyring().clientSupplier(blocking).wrapExecutor(Runnable::run).build()));
      modes.add(
          mode(kms, "parallel, blocking API", false, keyring().clientSupplier(blocking).build()));
      modes.add(
          mode(kms, "parallel, async API", true, keyring().asyncClientSupplier(async).build()));
      modes.add(
          mode(
              kms,
              "local data key, blocking API",
              false,
              keyring().clientSupplier(blocking).generateDataKeyLocally(true).build()));
      modes.add(
          mode(
              kms,
              "local data key, async API",
              true,
              keyring().asyncClientSupplier(async).generateDataKeyLocally(true).build()));
      InFlightResult flight = inFlight(kms, credentials, blocking);
      return new Result(latency, messagesPerMode, modes, flight);
    }
  }

  private static KmsKeyring.Builder keyring() {
    return KmsKeyring.builder().generatorKeyId(EAST).keyIds(WEST, EU);
  }

  private ModeResult mode(LocalKms kms, String name, boolean useAsync, KmsKeyring keyring) {
    Envelope envelope = Envelope.builder().keyring(keyring).build();
    for (int i = 0; i < Math.min(20, messagesPerMode); i++) { // connections, JIT
      encrypt(envelope, useAsync);
    }
    long[] nanos = new long[messagesPerMode];
    long rounds = 0;
    for (int i = 0; i < messagesPerMode; i++) {
      int mark = kms.auditLog().events().size();
      long start = System.nanoTime();
      encrypt(envelope, useAsync);
      nanos[i] = System.nanoTime() - start;
      List<AuditEvent> all = kms.auditLog().events();
      rounds += rounds(all.subList(mark, all.size()), latency);
    }
    kms.auditLog().clear();
    Arrays.sort(nanos);
    ModeResult r =
        new ModeResult(
            name,
            nanos[nanos.length / 2] / 1e6,
            nanos[(int) Math.min(nanos.length - 1, Math.ceil(nanos.length * 0.9) - 1)] / 1e6,
            rounds / (double) messagesPerMode);
    log.printf(
        Locale.ROOT,
        "  %-30s median %6.1f ms  p90 %6.1f ms  %.2f round trips%n",
        name,
        r.medianMillis(),
        r.p90Millis(),
        r.roundTripsPerMessage());
    return r;
  }

  private static void encrypt(Envelope envelope, boolean useAsync) {
    if (useAsync) {
      envelope.encryptAsync(RECORD, CONTEXT).join();
    } else {
      envelope.encrypt(RECORD, CONTEXT);
    }
  }

  /** Rounds of requests: a request at least half a latency after a round's first starts another. */
  static int rounds(List<AuditEvent> events, Duration latency) {
    List<AuditEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(AuditEvent::time));
    int rounds = 0;
    Instant roundStart = null;
    for (AuditEvent e : sorted) {
      if (roundStart == null || !e.time().isBefore(roundStart.plus(latency.dividedBy(2)))) {
        rounds++;
        roundStart = e.time();
      }
    }
    return rounds;
  }

  private InFlightResult inFlight(
      LocalKms kms, StaticCredentialsProvider credentials, CachingKmsClientSupplier blocking)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ExecutorService completion = Executors.newFixedThreadPool(2, daemon("completion"));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int threadsBefore = threads.getThreadCount();
    try (CachingKmsAsyncClientSupplier twoThreads =
        CachingKmsAsyncClientSupplier.builder()
            .endpointOverride(kms.endpoint())
            .credentialsProvider(credentials)
            .httpClient(
                NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(2).build())
                    .maxConcurrency(inFlight)
                    .maxPendingConnectionAcquires(inFlight * 2)
                    .build())
            .clientCustomizer(
                b ->
                    b.asyncConfiguration(
                        c ->
                            c.advancedOption(
                                SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                                completion)))
            .build()) {
      Envelope envelope =
          Envelope.builder()
              .keyring(
                  KmsKeyring.builder()
                      .generatorKeyId(EAST)
                      .asyncClientSupplier(twoThreads)
                      .meterRegistry(registry)
                      .build())
              .build();
      for (int i = 0; i < 50; i++) { // connections, JIT
        envelope.encryptAsync(RECORD, CONTEXT).join();
      }
      Gauge gauge = registry.find("envelope.kms.in.flight").tag("region", "us-east-1").gauge();
      AtomicLong peak = new AtomicLong();
      AtomicLong callerSamples = new AtomicLong();
      AtomicLong callerRunnable = new AtomicLong();
      AtomicBoolean starting = new AtomicBoolean(true);
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread caller = Thread.currentThread();
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  peak.accumulateAndGet((long) gauge.value(), Math::max);
                  if (starting.get()) {
                    callerSamples.incrementAndGet();
                    if (caller.getState() == Thread.State.RUNNABLE) {
                      callerRunnable.incrementAndGet();
                    }
                  }
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();
      int threadsWarm = threads.getThreadCount();
      long start = System.nanoTime();
      List<CompletableFuture<byte[]>> futures = new ArrayList<>(inFlight);
      for (int i = 0; i < inFlight; i++) {
        futures.add(envelope.encryptAsync(RECORD, CONTEXT));
      }
      long started = System.nanoTime();
      starting.set(false);
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      long asyncDone = System.nanoTime();
      int threadsAdded = threads.getPeakThreadCount() - threadsBefore - 1; // less the sampler
      sampling.set(false);
      sampler.join();
      double runnable =
          callerSamples.get() == 0 ? 1 : callerRunnable.get() / (double) callerSamples.get();
      log.printf(
          Locale.ROOT,
          "  async: %d encryptions started in %.1f ms on one thread (runnable in %.0f%% of %d"
              + " samples), peak %d KMS calls in flight, %d threads added (%d after warm-up), all"
              + " done in %.0f ms%n",
          inFlight,
          (started - start) / 1e6,
          runnable * 100,
          callerSamples.get(),
          peak.get(),
          threadsAdded,
          threadsWarm - threadsBefore,
          (asyncDone - start) / 1e6);

      int pool = 8;
      Envelope blockingEnvelope =
          Envelope.builder()
              .keyring(KmsKeyring.builder().generatorKeyId(EAST).clientSupplier(blocking).build())
              .build();
      ExecutorService workers = Executors.newFixedThreadPool(pool, daemon("blocking"));
      try {
        long b0 = System.nanoTime();
        List<Future<byte[]>> done = new ArrayList<>(inFlight);
        for (int i = 0; i < inFlight; i++) {
          done.add(workers.submit(() -> blockingEnvelope.encrypt(RECORD, CONTEXT)));
        }
        for (Future<byte[]> f : done) {
          f.get();
        }
        long blockingNanos = System.nanoTime() - b0;
        log.printf(
            Locale.ROOT,
            "  blocking: %d encryptions on %d threads in %.0f ms%n",
            inFlight,
            pool,
            blockingNanos / 1e6);
        return new InFlightResult(
            inFlight,
            (started - start) / 1e6,
            runnable,
            peak.get(),
            threadsAdded,
            (asyncDone - start) / 1e6,
            pool,
            blockingNanos / 1e6);
      } finally {
        workers.shutdownNow();
      }
    } finally {
      completion.shutdownNow();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The results as the Markdown tables the benchmarks README shows. */
  public static String markdown(Result r) {
    StringBuilder md = new StringBuilder();
    double baseline = r.modes().get(0).medianMillis();
    md.append(
        String.format(
            Locale.ROOT,
            "Three Regions, %d ms injected KMS latency, %d messages per mode (1 KiB, suite 0x0478):%n%n",
            r.latency().toMillis(),
            r.messagesPerMode()));
    md.append("| mode | median | p90 | KMS round trips | latency vs sequential |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    for (ModeResult m : r.modes()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f ms | %.1f ms | %.2f | %.2fx |%n",
              m.mode(),
              m.medianMillis(),
              m.p90Millis(),
              m.roundTripsPerMessage(),
              m.medianMillis() / baseline));
    }
    InFlightResult f = r.inFlight();
    md.append(
        String.format(
            Locale.ROOT,
            "%n%d encryptions in flight (GenerateDataKey each, no cache):%n%n"
                + "| | async API (Netty: 2 event-loop threads, 2 completion threads) | blocking API, %d threads |%n"
                + "|---|---:|---:|%n"
                + "| caller's time to start them all | %.1f ms | - |%n"
                + "| caller's thread runnable while starting (sampled each ms) | %.0f%% | - |%n"
                + "| peak KMS calls in flight (envelope.kms.in.flight) | %d | at most %d |%n"
                + "| JVM threads added during the run | %d | %d |%n"
                + "| time for all | %.0f ms | %.0f ms |%n",
            f.messages(),
            f.blockingThreads(),
            f.startAllMillis(),
            f.callerRunnableShare() * 100,
            f.peakInFlight(),
            f.blockingThreads(),
            f.threadsAdded(),
            f.blockingThreads(),
            f.asyncTotalMillis(),
            f.blockingTotalMillis()));
    return md.toString();
  }
}
