package dev.envelope.benchmarks.fleet;

import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.JdbcBranchKeyStore;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.tools.Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The fleet benchmark (issue 16): P processes (separate JVMs) x T threads encrypt records with
 * row-bound contexts against one local KMS with a request quota, first through hierarchical
 * keyrings sharing one branch key store (an H2 database served over TCP on 127.0.0.1), then through
 * KMS keyrings with a data-key cache in every process. Reports records/s, KMS calls per million
 * records (from the local KMS audit log) and p99 latency; for the hierarchy it checks the bound of
 * P x branch keys x ceil(run time / TTL) KMS calls, plus the calls of the rotations it makes: with
 * {@link FleetSettings#rotateMidRun()}, every branch key is rotated once halfway through the run,
 * while the processes encrypt.
 *
 * <p>{@link dev.envelope.benchmarks.BenchmarkMain} runs it after the KMS-quota sweep; on its own:
 * {@code java -cp benchmarks.jar dev.envelope.benchmarks.fleet.FleetBenchmark [processes threads
 * branchKeys seconds ttlSeconds quota]}
 */
public final class FleetBenchmark {
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT records=(\\d+) seconds=([0-9.]+) window=([0-9.]+) errors=(\\d+) p50=([0-9.]+) p99=([0-9.]+)"
              + " first=(\\S*)");

  private final FleetSettings settings;
  private final PrintStream log;

  public FleetBenchmark(FleetSettings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  public static void main(String[] args) throws Exception {
    FleetSettings d = FleetSettings.full();
    FleetSettings s =
        args.length == 0
            ? d
            : new FleetSettings(
                Integer.parseInt(args[0]),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Duration.ofSeconds(Long.parseLong(args[3])),
                Duration.ofSeconds(Long.parseLong(args[4])),
                Double.parseDouble(args[5]),
                d.kmsLatency(),
                d.recordSize(),
                d.rotateMidRun());
    new FleetBenchmark(s, System.out).run();
  }

  /** Runs the hierarchy fleet, then the KMS-keyring fleet; returns both results. */
  public List<FleetResult> run() throws IOException, InterruptedException, SQLException {
    // H2's TCP server listens on loopback only.
    System.setProperty("h2.bindAddress", "127.0.0.1");
    Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    String jdbcUrl =
        "jdbc:h2:tcp://127.0.0.1:"
            + h2.getPort()
            + "/mem:fleet-"
            + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1";
    try (LocalKms kms =
            LocalKms.builder().port(0).requestsPerSecond(0).latency(settings.kmsLatency()).start();
        Connection keepAlive = DriverManager.getConnection(jdbcUrl)) {
      PrincipalConfig app =
          kms.config().principals().stream()
              .filter(p -> p.accessKeyId().equals(LocalKmsConfig.APP_ACCESS_KEY_ID))
              .findFirst()
              .orElseThrow();
      String keyArn = kms.keyArn(LocalKmsConfig.DEFAULT_ACCOUNT, LocalKmsConfig.DEFAULT_KEY_ID);
      try (CachingKmsClientSupplier clients = clients(kms, app)) {
        JdbcBranchKeyStore store =
            JdbcBranchKeyStore.builder()
                .jdbcUrl(jdbcUrl, new Properties())
                .tableName("branch_keys")
                .kmsKeyArn(keyArn)
                .kmsClientSupplier(clients)
                .build();
        store.createTable();
        List<String> branchKeys = new ArrayList<>();
        for (int i = 0; i < settings.branchKeys(); i++) {
          branchKeys.add(store.createBranchKey());
        }
        log.printf(
            "Fleet benchmark: %d processes x %d threads, %d branch keys, %s runs, TTL %s, KMS quota"
                + " %.0f req/s, latency %d ms, records %d B with row-bound contexts%s%n",
            settings.processes(),
            settings.threads(),
            settings.branchKeys(),
            settings.duration(),
            settings.ttl(),
            settings.quotaPerSecond(),
            settings.kmsLatency().toMillis(),
            settings.recordSize(),
            settings.rotateMidRun() ? ", every branch key rotated halfway" : "");
        List<FleetResult> results = new ArrayList<>();
        for (String mode : List.of(FleetResult.HIERARCHY, FleetResult.KMS_CACHE)) {
          kms.auditLog().clear();
          kms.setRequestsPerSecond(settings.quotaPerSecond());
          FleetResult r = runFleet(mode, kms, app, keyArn, jdbcUrl, branchKeys, store);
          kms.setRequestsPerSecond(0);
          results.add(r);
          log.println("  " + r.line());
        }
        return results;
      }
    } finally {
      h2.stop();
    }
  }

  private static CachingKmsClientSupplier clients(LocalKms kms, PrincipalConfig app) {
    return CachingKmsClientSupplier.builder()
        .endpointOverride(kms.endpoint())
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(app.accessKeyId(), app.secretAccessKey())))
        .build();
  }

  private FleetResult runFleet(
      String mode,
      LocalKms kms,
      PrincipalConfig app,
      String keyArn,
      String jdbcUrl,
      List<String> branchKeys,
      JdbcBranchKeyStore store)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    for (int p = 0; p < settings.processes(); p++) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  FleetWorker.class.getName(),
                  mode,
                  kms.endpoint().toString(),
                  keyArn,
                  jdbcUrl,
                  String.join(",", branchKeys),
                  Integer.toString(settings.threads()),
                  Long.toString(settings.duration().toSeconds()),
                  Long.toString(settings.ttl().toSeconds()),
                  Integer.toString(settings.recordSize()),
                  app.accessKeyId())
              .redirectErrorStream(true);
      pb.environment().put("FLEET_KMS_SECRET", app.secretAccessKey());
      processes.add(pb.start());
    }
    int rotations = 0;
    long records = 0;
    double seconds = 0;
    double window = 0; // from a process's first branch key load to its last record
    long errors = 0;
    double p50 = 0;
    double p99 = 0;
    try {
      if (mode.equals(FleetResult.HIERARCHY) && settings.rotateMidRun()) {
        rotations = rotateHalfway(kms, processes, branchKeys, store);
      }
      for (Process p : processes) {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(settings.duration().toSeconds() + 120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("a fleet process did not finish");
        }
        Matcher m = RESULT.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
          throw new IllegalStateException(
              "a fleet process failed (exit " + p.exitValue() + "):\n" + out);
        }
        records += Long.parseLong(m.group(1));
        seconds = Math.max(seconds, Double.parseDouble(m.group(2)));
        window = Math.max(window, Double.parseDouble(m.group(3)));
        errors += Long.parseLong(m.group(4));
        p50 = Math.max(p50, Double.parseDouble(m.group(5)));
        p99 = Math.max(p99, Double.parseDouble(m.group(6)));
        if (!m.group(7).isEmpty()) {
          log.println("  (" + mode + ": first caller error " + m.group(7) + ")");
        }
      }
    } finally {
      // A failed rotation or process must not leave the others running.
      processes.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }
    List<AuditEvent> calls = kms.auditLog().events();
    long throttled =
        calls.stream().filter(e -> "ThrottlingException".equals(e.errorCode())).count();
    // The fleet's processes call only Decrypt (hierarchy) or GenerateDataKey (KMS keyring); in the
    // hierarchy's run everything else is the rotations'.
    long rotationCalls =
        mode.equals(FleetResult.HIERARCHY)
            ? calls.stream().filter(e -> !"Decrypt".equals(e.operation())).count()
            : 0;
    long bound =
        mode.equals(FleetResult.HIERARCHY)
            ? (long) settings.processes()
                    * settings.branchKeys()
                    * (long) Math.ceil(window / settings.ttl().toSeconds())
                + rotationCalls
            : 0;
    return new FleetResult(
        mode,
        settings.processes(),
        settings.threads(),
        seconds,
        window,
        records,
        calls.size(),
        throttled,
        errors,
        p50,
        p99,
        rotations,
        rotationCalls,
        bound);
  }

  /**
   * Waits until every process has read every branch key (its warm-up: processes x branch keys
   * Decrypts), then half the run, then rotates every branch key through the shared store while the
   * processes encrypt. Returns the rotations made.
   */
  private int rotateHalfway(
      LocalKms kms, List<Process> processes, List<String> branchKeys, JdbcBranchKeyStore store)
      throws InterruptedException {
    long warmedUp = (long) settings.processes() * settings.branchKeys();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (kms.auditLog()
            .events(e -> "Decrypt".equals(e.operation()) && e.errorCode() == null)
            .size()
        < warmedUp) {
      if (System.nanoTime() > deadline || !processes.stream().allMatch(Process::isAlive)) {
        return 0; // the processes' own results say what went wrong
      }
      Thread.sleep(20);
    }
    Thread.sleep(settings.duration().toMillis() / 2);
    for (String id : branchKeys) {
      store.versionBranchKey(id);
    }
    log.println("  (rotated " + branchKeys.size() + " branch keys halfway through the run)");
    return branchKeys.size();
  }

  /** Keeps the JDBC driver on the class path for children; referenced so that shading keeps it. */
  static void requireDriver() throws SQLException {
    DriverManager.getDriver("jdbc:h2:mem:x");
  }
}
