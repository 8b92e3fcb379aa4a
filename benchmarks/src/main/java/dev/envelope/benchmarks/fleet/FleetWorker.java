package dev.envelope.benchmarks.fleet;

import dev.envelope.Envelope;
import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.HierarchicalKeyring;
import dev.envelope.aws.JdbcBranchKeyStore;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.benchmarks.kms.LatencyHistogram;
import dev.envelope.materials.CachingMaterialsManager;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * One process of the fleet (its own JVM): encrypts records on its threads until the deadline, each
 * with its own context ({@code tenant}, {@code id}), and prints one {@code RESULT} line. Started by
 * {@link FleetBenchmark}; arguments: mode, KMS endpoint, KMS key ARN, JDBC URL, comma-separated
 * branch key ids, threads, seconds, TTL seconds, record size. The KMS secret comes from {@code
 * FLEET_KMS_SECRET}.
 */
public final class FleetWorker {
  private FleetWorker() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    URI endpoint = URI.create(args[1]);
    String keyArn = args[2];
    String jdbcUrl = args[3];
    List<String> branchKeys = List.of(args[4].split(","));
    int threads = Integer.parseInt(args[5]);
    long seconds = Long.parseLong(args[6]);
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[7]));
    int recordSize = Integer.parseInt(args[8]);

    try (CachingKmsClientSupplier clients =
        CachingKmsClientSupplier.builder()
            .endpointOverride(endpoint)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(args[9], System.getenv("FLEET_KMS_SECRET"))))
            .build()) {
      Envelope envelope;
      if (mode.equals("hierarchy")) {
        JdbcBranchKeyStore store =
            JdbcBranchKeyStore.builder()
                .jdbcUrl(jdbcUrl, new Properties())
                .tableName("branch_keys")
                .kmsKeyArn(keyArn)
                .kmsClientSupplier(clients)
                .build();
        envelope =
            Envelope.builder()
                .keyring(
                    HierarchicalKeyring.builder()
                        .keyStore(store)
                        .branchKeyIdSupplier(
                            ctx -> branchKeys.get(Integer.parseInt(ctx.get("tenant"))))
                        .ttl(ttl)
                        .build())
                .build();
      } else {
        envelope =
            Envelope.builder()
                .materialsManager(
                    CachingMaterialsManager.builder()
                        .keyring(
                            KmsKeyring.builder()
                                .generatorKeyId(keyArn)
                                .clientSupplier(clients)
                                .build())
                        .maxAge(ttl)
                        .maxMessages(1_000_000)
                        .build())
                .build();
      }
      // Warm-up: one record per tenant loads every branch key (or makes the first data keys) and
      // the JIT starts; it counts towards the KMS window, not towards the measured rate.
      long windowStart = System.nanoTime();
      for (int t = 0; t < branchKeys.size(); t++) {
        envelope.encrypt(
            new byte[recordSize], Map.of("tenant", Integer.toString(t), "id", "warmup-" + t));
      }
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      Caller[] callers = new Caller[threads];
      Thread[] running = new Thread[threads];
      for (int i = 0; i < threads; i++) {
        callers[i] = new Caller(envelope, recordSize, branchKeys.size(), deadline, i);
        running[i] = new Thread(callers[i], "fleet-caller-" + i);
        running[i].start();
      }
      long start = System.nanoTime();
      LatencyHistogram latencies = new LatencyHistogram();
      long records = 0;
      long errors = 0;
      String firstError = "";
      for (int i = 0; i < threads; i++) {
        running[i].join();
        latencies.add(callers[i].latencies);
        records += callers[i].records;
        errors += callers[i].errors;
        if (firstError.isEmpty() && callers[i].firstError != null) {
          firstError = callers[i].firstError.getClass().getSimpleName();
        }
      }
      long end = System.nanoTime();
      System.out.printf(
          java.util.Locale.ROOT,
          "RESULT records=%d seconds=%.3f window=%.3f errors=%d p50=%.1f p99=%.1f" + " first=%s%n",
          records,
          (end - start) / 1e9,
          (end - windowStart) / 1e9,
          errors,
          latencies.percentile(0.50) / 1e3,
          latencies.percentile(0.99) / 1e3,
          firstError);
    }
  }

  /** One application thread: a record per iteration, each with a new row id. */
  private static final class Caller implements Runnable {
    private final Envelope envelope;
    private final byte[] record;
    private final int tenants;
    private final long deadline;
    private final int seed;
    final LatencyHistogram latencies = new LatencyHistogram();
    long records;
    long errors;
    Throwable firstError;

    Caller(Envelope envelope, int recordSize, int tenants, long deadline, int seed) {
      this.envelope = envelope;
      this.record = new byte[recordSize];
      new Random(seed).nextBytes(record);
      this.tenants = tenants;
      this.deadline = deadline;
      this.seed = seed;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      long n = 0;
      while (now < deadline) {
        Map<String, String> context =
            Map.of("tenant", Long.toString(n % tenants), "id", seed + "-" + n);
        n++;
        try {
          envelope.encrypt(record, context);
          records++;
        } catch (RuntimeException e) {
          errors++;
          if (firstError == null) {
            firstError = e;
          }
        }
        long end = System.nanoTime();
        latencies.record(end - now);
        now = end;
      }
    }
  }
}
