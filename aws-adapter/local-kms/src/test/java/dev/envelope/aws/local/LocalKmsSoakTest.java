package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10^5 KMS requests from 32 clients on persistent connections, with the audit file on: every
 * request is answered, the audit trail (file and in-memory log) holds exactly the requests the
 * clients were answered, and neither the server's threads nor the heap grow while it runs. The
 * clients speak raw HTTP (the SDK client would make this minutes long); each request is a small
 * Encrypt as the KMS API Reference defines it.
 */
class LocalKmsSoakTest {
  static final String RAW = "AKIARAWCLIENT0000000";
  static final int CLIENTS = 32;
  static final int ROUNDS = 5;
  static final int REQUESTS = 100_000;

  /**
   * What the heap after GC may differ by between checkpoints: noise. A leak of 100 bytes per
   * request would be 2 MB per round and 10 MB over the soak.
   */
  static final long HEAP_SLACK = 8L << 20;

  @TempDir Path dir;

  @Test
  void hundredThousandRequestsKeepTheAuditCompleteAndThreadsAndHeapFlat() throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    LocalKmsConfig config =
        LocalKmsConfig.defaults().toBuilder()
            .principal(
                PrincipalConfig.of(
                    RAW,
                    "arn:aws:iam::" + LocalKmsConfig.DEFAULT_ACCOUNT + ":user/raw",
                    policy(statement("All", "Allow", null, "\"kms:*\"", null))))
            .auditFile(auditFile)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try (LocalKms kms = LocalKms.start(config)) {
      List<Client> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(new Client(kms, i));
      }
      // Warm up (JIT, buffers, every pool thread started).
      run(pool, clients, 50);
      long linesBefore = lines(auditFile);
      AuditTally memory = new AuditTally();
      Checkpoint start = Checkpoint.take(kms, memory);

      List<Checkpoint> checkpoints = new ArrayList<>();
      memory.reset();
      long digest = 0;
      long began = System.nanoTime();
      for (int r = 0; r < ROUNDS; r++) {
        digest += run(pool, clients, REQUESTS / CLIENTS / ROUNDS);
        checkpoints.add(Checkpoint.take(kms, memory));
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      System.out.printf(
          "soak: %d requests in %.1f s (%.0f/s); heap after GC %s KiB; " + "threads %s%n",
          REQUESTS,
          seconds,
          REQUESTS / seconds,
          checkpoints.stream().map(c -> c.heapUsed >> 10).toList(),
          checkpoints.stream().map(c -> c.threads).toList());

      for (Checkpoint c : checkpoints) {
        assertThat(c.serverThreads)
            .isEqualTo(start.serverThreads)
            .isEqualTo(ServerLimits.defaults().workers() + 1);
        // Only growth counts: threads of earlier tests in this JVM (idle pool workers) may end
        // during the soak, which lowers the count for reasons that are not the server's.
        assertThat(c.threads).isLessThanOrEqualTo(start.threads + 2);
        assertThat(c.heapUsed).isLessThan(start.heapUsed + HEAP_SLACK);
      }
      assertThat(checkpoints.get(ROUNDS - 1).heapUsed)
          .isLessThan(checkpoints.get(0).heapUsed + HEAP_SLACK);

      // Nothing lost: the file has one line per answered request, with exactly their request ids;
      // so did the in-memory log, drained at every checkpoint.
      long fileDigest = 0;
      long soakLines = 0;
      try (BufferedReader in = Files.newBufferedReader(auditFile, StandardCharsets.UTF_8)) {
        long n = 0;
        for (String line; (line = in.readLine()) != null; n++) {
          if (n >= linesBefore) {
            fileDigest += digest(requestIdOf(line));
            soakLines++;
          }
        }
      }
      assertThat(soakLines).isEqualTo(REQUESTS);
      assertThat(fileDigest).isEqualTo(digest);
      assertThat(memory.events).isEqualTo(REQUESTS);
      assertThat(memory.digest).isEqualTo(digest);
      assertThat(memory.failed).isZero();
      for (Client c : clients) {
        c.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theInMemoryLogKeepsTheNewestEvents() {
    AuditLog log = new AuditLog(null);
    for (int i = 0; i < AuditLog.CAPACITY + 1000; i++) {
      log.record(
          new AuditEvent(
              Instant.EPOCH,
              "id-" + i,
              null,
              null,
              null,
              "Encrypt",
              null,
              null,
              Map.of(),
              List.of(),
              null,
              null,
              null,
              null));
    }
    List<AuditEvent> held = log.events();
    assertThat(held).hasSize(AuditLog.CAPACITY);
    assertThat(held.get(0).requestId()).isEqualTo("id-1000");
    assertThat(log.last())
        .hasValueSatisfying(
            e -> assertThat(e.requestId()).isEqualTo("id-" + (AuditLog.CAPACITY + 999)));
  }

  /** Each client sends its share; returns the order-independent digest of the request ids. */
  private static long run(ExecutorService pool, List<Client> clients, int perClient)
      throws Exception {
    List<Future<Long>> results = new ArrayList<>();
    for (Client c : clients) {
      results.add(
          pool.submit(
              () -> {
                long d = 0;
                for (int i = 0; i < perClient; i++) {
                  d += digest(c.encrypt());
                }
                return d;
              }));
    }
    long digest = 0;
    for (Future<Long> f : results) {
      digest += f.get();
    }
    return digest;
  }

  /** Order-independent digest of a set of request ids (UUIDs). */
  private static long digest(String requestId) {
    UUID u = UUID.fromString(requestId);
    return u.getMostSignificantBits() * 31 + u.getLeastSignificantBits();
  }

  private static String requestIdOf(String jsonLine) {
    String key = "\"requestId\":\"";
    int at = jsonLine.indexOf(key) + key.length();
    return jsonLine.substring(at, jsonLine.indexOf('"', at));
  }

  private static long lines(Path file) throws IOException {
    try (var s = Files.lines(file)) {
      return s.count();
    }
  }

  /** What the in-memory audit log held, summed over the checkpoints that drained it. */
  private static final class AuditTally {
    long events;
    long digest;
    long failed;

    void drain(AuditLog log) {
      List<AuditEvent> held = log.events();
      log.clear(); // no client runs during a checkpoint: nothing arrives in between
      events += held.size();
      for (AuditEvent e : held) {
        digest += digest(e.requestId());
        failed += e.succeeded() ? 0 : 1;
      }
    }

    void reset() {
      events = 0;
      digest = 0;
      failed = 0;
    }
  }

  /**
   * The heap after GC, with the in-memory audit log drained first: that log is bounded by design
   * (its last {@value AuditLog#CAPACITY} events, see {@link #theInMemoryLogKeepsTheNewestEvents}),
   * so anything else that grows with the number of requests is a leak.
   */
  private record Checkpoint(long heapUsed, int threads, int serverThreads) {
    static Checkpoint take(LocalKms kms, AuditTally tally) throws InterruptedException {
      tally.drain(kms.auditLog());
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(50);
      }
      return new Checkpoint(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
          Thread.getAllStackTraces().size(),
          LocalKmsServerLimitsTest.serverThreads(kms));
    }
  }

  /** One persistent connection sending Encrypt requests and reading their answers. */
  private static final class Client implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    final byte[] request;

    Client(LocalKms kms, int n) throws IOException {
      socket = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
      request =
          RawHttp.kmsRequest(
                  RAW,
                  "Encrypt",
                  "{\"KeyId\":\""
                      + LocalKmsConfig.DEFAULT_ALIAS
                      + "\",\"Plaintext\":\"aGVsbG8=\",\"EncryptionContext\":{\"client\":\""
                      + n
                      + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one request; returns the request id of its 200 answer. */
    String encrypt() throws IOException {
      out.write(request);
      out.flush();
      String status = line();
      if (!status.startsWith("HTTP/1.1 200 ")) {
        throw new IOException("Unexpected answer: " + status);
      }
      int length = -1;
      String requestId = null;
      for (String l; !(l = line()).isEmpty(); ) {
        int colon = l.indexOf(':');
        String name = l.substring(0, colon);
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(l.substring(colon + 1).trim());
        } else if (name.equalsIgnoreCase("x-amzn-RequestId")) {
          requestId = l.substring(colon + 1).trim();
        }
      }
      if (in.readNBytes(length).length != length || requestId == null) {
        throw new IOException("Truncated answer");
      }
      return requestId;
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("Connection closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
