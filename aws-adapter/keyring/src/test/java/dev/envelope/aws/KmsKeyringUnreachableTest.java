package dev.envelope.aws;

import static dev.envelope.aws.KmsFixture.EAST;
import static dev.envelope.aws.KmsFixture.K1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The keyring when KMS cannot be reached at all: nothing listens on the endpoint, or something
 * accepts the connection and never answers. Real {@code KmsClient}s over real sockets; the failure
 * must say that KMS was not reached (endpoint, Region, cause), not guess at permissions.
 */
class KmsKeyringUnreachableTest {
  private static final byte[] PLAINTEXT = "attack at dawn".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> CONTEXT = Map.of("tenant", "acme");

  static KmsFixture fixture;
  static byte[] message;

  @BeforeAll
  static void start() {
    fixture = new KmsFixture();
    // A message the working local KMS wrote, to decrypt later against endpoints that do not answer.
    message =
        Envelope.builder()
            .keyring(
                KmsKeyring.builder()
                    .generatorKeyId(K1)
                    .clientSupplier(fixture.clients("A_APP"))
                    .build())
            .build()
            .encrypt(PLAINTEXT, CONTEXT);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static CachingKmsClientSupplier clients(
      URI endpoint,
      int maxAttempts,
      Consumer<software.amazon.awssdk.services.kms.KmsClientBuilder> customizer) {
    CachingKmsClientSupplier.Builder b =
        CachingKmsClientSupplier.builder()
            .endpointOverride(endpoint)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("A_APP", "unused")))
            .maxAttempts(maxAttempts)
            .backoffStrategy(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(10)));
    if (customizer != null) {
      b.clientCustomizer(customizer);
    }
    return b.build();
  }

  private static Envelope envelope(KmsClientSupplier clients) {
    return Envelope.builder()
        .keyring(KmsKeyring.builder().generatorKeyId(K1).clientSupplier(clients).build())
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
        .build();
  }

  private static void assertUnreachable(KmsKeyProviderException e, String operation, URI endpoint) {
    assertThat(e.operation()).isEqualTo(operation);
    assertThat(e.keyArn()).isEqualTo(K1);
    assertThat(e.region()).isEqualTo(EAST);
    assertThat(e.statusCode()).isZero();
    assertThat(e.errorCode()).isEmpty();
    assertThat(e.requestId()).isEmpty();
    assertThat(e.getMessage())
        .contains("could not reach KMS")
        .contains(endpoint.toString())
        .contains(EAST);
    assertThat(e.explanation())
        .contains("could not reach KMS")
        .contains(endpoint.toString())
        .doesNotContainIgnoringCase("key policy")
        .doesNotContainIgnoringCase("IAM")
        .doesNotContainIgnoringCase("grant")
        .doesNotContainIgnoringCase("credentials");
    assertThat(e.getMessage()).doesNotContain(new String(PLAINTEXT, StandardCharsets.UTF_8));
    assertThat(e.getCause()).isNotNull();
  }

  @Test
  void nothingListeningOnTheEndpoint() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    try (CachingKmsClientSupplier clients = clients(endpoint, 2, null)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> envelope(clients).encrypt(PLAINTEXT, CONTEXT))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertUnreachable(e, "GenerateDataKey", endpoint);
                assertThat(e.getMessage()).containsIgnoringCase("connection refused");
              });
      assertThatThrownBy(() -> envelope(clients).decrypt(message))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class, e -> assertUnreachable(e, "Decrypt", endpoint));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void credentialsInTheEndpointNeverShow() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // A proxy or gateway login in the endpoint override must not reach exceptions and logs.
    URI endpoint = URI.create("http://gateway-user:s3cr3t-pass@127.0.0.1:" + port);
    URI shown = URI.create("http://127.0.0.1:" + port);
    try (CachingKmsClientSupplier clients = clients(endpoint, 1, null)) {
      assertThatThrownBy(() -> envelope(clients).encrypt(PLAINTEXT, CONTEXT))
          .isInstanceOfSatisfying(
              KmsKeyProviderException.class,
              e -> {
                assertUnreachable(e, "GenerateDataKey", shown);
                assertThat(e.getMessage())
                    .doesNotContain("s3cr3t-pass")
                    .doesNotContain("gateway-user");
                assertThat(e.explanation())
                    .doesNotContain("s3cr3t-pass")
                    .doesNotContain("gateway-user");
              });
    }
  }

  @Test
  void endpointThatAcceptsButNeverAnswers() throws Exception {
    try (SilentServer server = new SilentServer()) {
      URI endpoint = URI.create("http://127.0.0.1:" + server.port());
      // The customizer uses the SDK's Consumer form, which replaces the whole override
      // configuration: the supplier's retry settings (2 attempts) must survive it.
      try (CachingKmsClientSupplier clients =
          clients(
              endpoint,
              2,
              b -> b.overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMillis(300))))) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> envelope(clients).encrypt(PLAINTEXT, CONTEXT))
            .isInstanceOfSatisfying(
                KmsKeyProviderException.class,
                e -> {
                  assertUnreachable(e, "GenerateDataKey", endpoint);
                  assertThat(e.getMessage()).containsIgnoringCase("timeout");
                });
        assertThatThrownBy(() -> envelope(clients).decrypt(message))
            .isInstanceOfSatisfying(
                KmsKeyProviderException.class, e -> assertUnreachable(e, "Decrypt", endpoint));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // Each call was attempted twice (maxAttempts 2), so the retry settings were kept.
        assertThat(server.requests()).isEqualTo(4);
      }
    }
  }

  @Test
  void wholeCallTimeoutAlsoReadsAsUnreachable() throws Exception {
    try (SilentServer server = new SilentServer()) {
      URI endpoint = URI.create("http://127.0.0.1:" + server.port());
      try (CachingKmsClientSupplier clients =
          clients(
              endpoint,
              1,
              b ->
                  b.overrideConfiguration(
                      b.overrideConfiguration().toBuilder()
                          .apiCallTimeout(Duration.ofMillis(300))
                          .build()))) {
        assertThatThrownBy(() -> envelope(clients).decrypt(message))
            .isInstanceOfSatisfying(
                KmsKeyProviderException.class, e -> assertUnreachable(e, "Decrypt", endpoint));
      }
    }
  }

  /**
   * Accepts connections, reads what is sent, never writes a byte back. Counts the requests it saw.
   */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    SilentServer() throws IOException {
      acceptor = new Thread(this::acceptLoop, "silent-kms");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int requests() {
      return requests.get();
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          synchronized (accepted) {
            accepted.add(s);
          }
          Thread reader = new Thread(() -> readRequests(s), "silent-kms-conn");
          reader.setDaemon(true);
          reader.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    /**
     * Counts request lines ("POST / HTTP/1.1"); a client may reuse a connection after a timeout.
     */
    private void readRequests(Socket s) {
      try {
        byte[] buf = new byte[8192];
        StringBuilder seen = new StringBuilder();
        int n;
        while ((n = s.getInputStream().read(buf)) > 0) {
          seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          int i;
          while ((i = seen.indexOf("POST / HTTP/1.1")) >= 0) {
            requests.incrementAndGet();
            seen.delete(0, i + 1);
          }
        }
      } catch (IOException e) {
        // the client gave up: expected
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
