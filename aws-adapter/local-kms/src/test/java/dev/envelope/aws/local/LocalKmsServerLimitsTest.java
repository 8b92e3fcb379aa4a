package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The local KMS's HTTP server under slow, oversized and malformed clients, over real sockets, with
 * a real KmsClient (AWS SDK v2 through endpointOverride) as the well-behaved caller that must keep
 * getting prompt answers. The HTTP-level errors are the ones the KMS API Reference lists as common
 * to all AWS services, with their status codes
 * (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html):
 * RequestEntityTooLargeException 413, RequestTimeoutException 408, MalformedHttpRequestException
 * 400, ServiceUnavailable 503.
 */
class LocalKmsServerLimitsTest {
  static final String RAW = "AKIARAWCLIENT0000000";
  static final String ENCRYPT =
      "{\"KeyId\":\"" + LocalKmsConfig.DEFAULT_ALIAS + "\",\"Plaintext\":\"aGVsbG8=\"}";
  static final String PARTIAL_HEAD =
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "X-Amz-Target: TrentService.Encrypt\r\nAuthorization: AWS4-HMAC-SHA256 Credential="
          + RAW
          + "/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00\r\nContent-Ty";

  /**
   * A prompt answer: generous for a loaded 2-core CI machine, yet half the default request timeout
   * that would otherwise be the first moment slow clients let go.
   */
  static final Duration PROMPT = Duration.ofSeconds(5);

  static LocalKms.Builder kms(ServerLimits limits) {
    return LocalKms.builder()
        .config(
            LocalKmsConfig.defaults().toBuilder()
                .principal(
                    PrincipalConfig.of(
                        RAW,
                        "arn:aws:iam::" + LocalKmsConfig.DEFAULT_ACCOUNT + ":user/raw",
                        policy(statement("All", "Allow", null, "\"kms:*\"", null))))
                .build())
        .serverLimits(limits);
  }

  /**
   * The issue: twenty clients sending half a request stopped the JDK-server-based local KMS from
   * answering anyone (it tolerated sixteen, its thread count). Now hundreds of them, in every phase
   * of a request, leave the real client's calls prompt and the server's threads unchanged.
   */
  @Test
  void slowClientsInEveryPhaseDoNotDelayOthers() throws Exception {
    try (LocalKms kms = kms(ServerLimits.defaults()).start()) {
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      app.describeKey(
          b ->
              b.keyId(
                  LocalKmsConfig
                      .DEFAULT_ALIAS)); // loads the SDK's classes before anything is timed
      int threadsBefore = serverThreads(kms);
      List<RawHttp> slow = new ArrayList<>();
      ExecutorService trickler = Executors.newSingleThreadExecutor();
      try {
        for (int i = 0; i < 100; i++) {
          slow.add(RawHttp.connect(kms.endpoint()).send(PARTIAL_HEAD)); // half a header section
        }
        for (int i = 0; i < 100; i++) { // headers complete, a tenth of the body
          slow.add(
              RawHttp.connect(kms.endpoint())
                  .send(
                      "POST / HTTP/1.1\r\nHost: h\r\n" + "Content-Length: 100\r\n\r\n{\"KeyId\":"));
        }
        for (int i = 0; i < 50; i++) {
          slow.add(RawHttp.connect(kms.endpoint())); // connected, silent
        }
        List<RawHttp> tricklers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          tricklers.add(RawHttp.connect(kms.endpoint()));
        }
        slow.addAll(tricklers);
        byte[] request =
            RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT).getBytes(StandardCharsets.UTF_8);
        Future<?> trickle =
            trickler.submit(
                () -> {
                  for (int i = 0; i < 40 && !Thread.currentThread().isInterrupted(); i++) {
                    for (RawHttp t : tricklers) {
                      t.send(new byte[] {request[i]});
                    }
                    Thread.sleep(100);
                  }
                  return null;
                });

        for (int i = 0; i < 20; i++) {
          long start = System.nanoTime();
          String context = "" + i;
          GenerateDataKeyResponse dk =
              app.generateDataKey(
                  b ->
                      b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                          .keySpec("AES_256")
                          .encryptionContext(Map.of("i", context)));
          assertThat(
                  app.decrypt(
                          b ->
                              b.ciphertextBlob(dk.ciphertextBlob())
                                  .encryptionContext(Map.of("i", context)))
                      .plaintext())
              .isEqualTo(dk.plaintext());
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);
        }
        try (RawHttp fresh = RawHttp.connect(kms.endpoint())) {
          assertThat(fresh.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read().status())
              .isEqualTo(200);
        }
        assertThat(serverThreads(kms))
            .isEqualTo(threadsBefore)
            .isLessThanOrEqualTo(ServerLimits.defaults().workers() + 1);
        // The slow ones are still waiting, unanswered: nothing was refused to make room.
        for (RawHttp s : slow.subList(0, 10)) {
          assertThat(s.closedWithin(Duration.ofMillis(10))).isFalse();
        }
        trickle.cancel(true);
      } finally {
        trickler.shutdownNow();
        slow.forEach(RawHttp::close);
      }
    }
  }

  /**
   * A request must arrive within the request timeout, counted from its first byte: half a header
   * section, half a body, or a steady trickle all end in 408 RequestTimeoutException (KMS API
   * Reference, Common Errors) and a closed connection, and the refusal is audited.
   */
  @Test
  void requestsThatDoNotArriveInTimeAre408() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30));
    try (LocalKms kms = kms(limits).start()) {
      List<String> partials =
          List.of(
              PARTIAL_HEAD,
              RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)
                  .substring(0, RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT).length() - 10));
      for (String partial : partials) {
        try (RawHttp c = RawHttp.connect(kms.endpoint())) {
          long start = System.nanoTime();
          RawHttp.Response r = c.send(partial).read();
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertThat(r.status()).isEqualTo(408);
          assertThat(r.header("x-amzn-ErrorType")).isEqualTo("RequestTimeoutException");
          assertThat(r.header("Connection")).isEqualTo("close");
          assertThat(r.body()).contains("\"__type\":\"RequestTimeoutException\"");
          assertThat(took).isBetween(Duration.ofMillis(400), PROMPT);
          assertThat(c.closedWithin(PROMPT)).isTrue();
        }
      }
      // Activity does not extend the deadline: a byte every 100 ms is still too slow.
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        byte[] request =
            RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        int sent = 0;
        try {
          while (sent < request.length
              && !c.answerWaiting()
              && System.nanoTime() - start < PROMPT.toNanos()) {
            c.send(new byte[] {request[sent++]});
            Thread.sleep(100);
          }
        } catch (IOException closedByServer) {
          // the server closed while we were still sending: the answer is already there to read
        }
        assertThat(c.read().status()).isEqualTo(408);
        assertThat(sent).isLessThan(request.length);
      }
      List<AuditEvent> refused =
          kms.auditLog().events(e -> "RequestTimeoutException".equals(e.errorCode()));
      assertThat(refused)
          .hasSize(3)
          .allSatisfy(
              e -> {
                assertThat(e.requestId()).isNotBlank();
                assertThat(e.decision()).isNull();
              });
      // Where the header section had arrived, the event names the operation and the caller.
      assertThat(refused.get(1).operation()).isEqualTo("Encrypt");
      assertThat(refused.get(1).accessKeyId()).isEqualTo(RAW);
    }
  }

  /**
   * Between requests a connection may stay idle for the idle timeout; then the server closes it
   * without a response, as HTTP/1.1 lets a server close an idle persistent connection (RFC 9112,
   * section 9.5).
   */
  @Test
  void idleConnectionsAreClosedSilently() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5));
    try (LocalKms kms = kms(limits).start();
        RawHttp silent = RawHttp.connect(kms.endpoint());
        RawHttp used = RawHttp.connect(kms.endpoint())) {
      assertThat(used.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read().status())
          .isEqualTo(200);
      assertThat(silent.closedWithin(PROMPT)).isTrue();
      assertThat(used.closedWithin(PROMPT)).isTrue();
      // The SDK reopens a connection the server closed; calls keep working.
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
      Thread.sleep(800);
      app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
    }
  }

  /**
   * A request that is not answered within the answer timeout gets 503 ServiceUnavailable (KMS API
   * Reference, Common Errors) instead of an open-ended wait; the next one is served normally.
   */
  @Test
  void answersThatTakeTooLongAre503() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(300));
    try (LocalKms kms = kms(limits).start()) {
      kms.setLatency(Duration.ofMillis(1500));
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        long start = System.nanoTime();
        RawHttp.Response r = c.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("x-amzn-ErrorType")).isEqualTo("ServiceUnavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isBetween(Duration.ofMillis(250), PROMPT);
        assertThat(c.closedWithin(PROMPT)).isTrue();
      }
      kms.setLatency(Duration.ZERO);
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        assertThat(c.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read().status())
            .isEqualTo(200);
      }
    }
  }

  /**
   * The answer timeout also covers the client taking its answers: one that pipelines requests and
   * never reads stalls the server's writes, and is cut off within that time, while others are
   * served throughout.
   */
  @Test
  void clientsThatDoNotTakeTheirAnswersAreCutOff() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(500));
    try (LocalKms kms = kms(limits).start()) {
      Socket reluctant = new Socket();
      reluctant.setReceiveBufferSize(4096);
      reluctant.connect(new InetSocketAddress("127.0.0.1", kms.endpoint().getPort()));
      // 1 KiB data keys: large answers fill the socket buffers sooner.
      byte[] request =
          RawHttp.kmsRequest(
                  RAW,
                  "GenerateDataKey",
                  "{\"KeyId\":\"" + LocalKmsConfig.DEFAULT_ALIAS + "\",\"NumberOfBytes\":1024}")
              .getBytes(StandardCharsets.UTF_8);
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        long start = System.nanoTime();
        Future<Integer> sent =
            writer.submit(
                () -> {
                  int n = 0;
                  try {
                    while (n < 100_000) {
                      reluctant.getOutputStream().write(request);
                      n++;
                    }
                  } catch (IOException cutOff) {
                    // the server closed the connection
                  }
                  return n;
                });
        KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
        while (!sent.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
          long call = System.nanoTime();
          app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
          assertThat(Duration.ofNanos(System.nanoTime() - call)).isLessThan(PROMPT);
          Thread.sleep(50);
        }
        int n = sent.get(1, TimeUnit.SECONDS);
        System.out.printf(
            "reluctant reader cut off after %d requests, %d ms%n",
            n, (System.nanoTime() - start) / 1_000_000);
        assertThat(n).isLessThan(100_000);
      } finally {
        writer.shutdownNow();
        reluctant.close();
      }
    }
  }

  /**
   * Bodies over the limit are refused with 413 RequestEntityTooLargeException (KMS API Reference,
   * Common Errors) as soon as their size is known, without reading them: the real SDK sees that
   * error code and status, a raw client sees it before it has sent the body, and with {@code
   * Expect: 100-continue} (RFC 9110, section 10.1.1) instead of the go-ahead.
   */
  @Test
  void oversizedRequestsAre413() throws Exception {
    try (LocalKms kms = kms(ServerLimits.defaults()).start()) {
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  app.encrypt(
                      b ->
                          b.keyId(LocalKmsConfig.DEFAULT_ALIAS)
                              .plaintext(SdkBytes.fromByteArray(new byte[1 << 20]))))
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(413);
                assertThat(e.awsErrorDetails().errorCode())
                    .isEqualTo("RequestEntityTooLargeException");
                assertThat(e.awsErrorDetails().errorMessage())
                    .contains("exceeds the limit of 1048576");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);
      assertThat(kms.auditLog().last())
          .hasValueSatisfying(
              e -> {
                assertThat(e.errorCode()).isEqualTo("RequestEntityTooLargeException");
                assertThat(e.operation()).isEqualTo("Encrypt");
                assertThat(e.accessKeyId()).isEqualTo(LocalKmsConfig.APP_ACCESS_KEY_ID);
              });

      String head =
          "POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Target: TrentService.Encrypt\r\n"
              + "Content-Length: 2000000\r\n";
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        RawHttp.Response r = c.send(head + "\r\n").read(); // no body byte sent
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"__type\":\"RequestEntityTooLargeException\"");
        assertThat(c.closedWithin(PROMPT)).isTrue();
      }
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        assertThat(c.send(head + "Expect: 100-continue\r\n\r\n").read().status()).isEqualTo(413);
      }
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        String request = RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT);
        int split = request.indexOf("\r\n\r\n") + 2;
        c.send(request.substring(0, split) + "Expect: 100-continue\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(100);
        assertThat(c.send(request.substring(split + 2)).read().status()).isEqualTo(200);
      }
      // A chunked body has no announced size: it is refused once it grows past the limit, and the
      // server keeps reading (and dropping) the rest so the client gets the answer.
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        c.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] chunk =
            ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 24; i++) {
          c.send(chunk);
        }
        assertThat(c.read().status()).isEqualTo(413);
      }
      // A header section over 16 KiB, likewise.
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        assertThat(
                c.send("POST / HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n")
                    .read()
                    .status())
            .isEqualTo(413);
      }
      assertThat(
              app.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"))
                  .plaintext()
                  .asByteArray())
          .hasSize(32);
    }
  }

  /**
   * Requests that are not HTTP/1.1 as RFC 9112 defines it get 400 MalformedHttpRequestException
   * (KMS API Reference, Common Errors), 501 for a transfer coding and 505 for an HTTP version the
   * server does not speak, and the connection is closed; random bytes never hang the server.
   */
  @Test
  void malformedRequestsAreRefusedAndOthersStillServed() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    try (LocalKms kms = kms(limits).start()) {
      Map<String, Integer> cases =
          Map.of(
              "GARBAGE\r\n\r\n",
              400,
              "POST / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n",
              400,
              "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
              400,
              "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
              400,
              "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
              400,
              "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n",
              400,
              "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
              501,
              "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
              505);
      for (Map.Entry<String, Integer> c : cases.entrySet()) {
        try (RawHttp raw = RawHttp.connect(kms.endpoint())) {
          RawHttp.Response r = raw.send(c.getKey()).read();
          assertThat(r.status()).as(c.getKey()).isEqualTo(c.getValue());
          assertThat(r.header("x-amzn-ErrorType")).isEqualTo("MalformedHttpRequestException");
          assertThat(r.header("x-amzn-RequestId")).isNotBlank();
          assertThat(raw.closedWithin(PROMPT)).isTrue();
        }
      }
      Random random = new Random(18);
      for (int i = 0; i < 40; i++) {
        byte[] junk = new byte[1 + random.nextInt(4096)];
        random.nextBytes(junk);
        // An empty line ends whatever header section the junk started, so each is judged now rather
        // than after the request timeout.
        junk =
            (new String(junk, StandardCharsets.ISO_8859_1) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttp raw = RawHttp.connect(kms.endpoint())) {
          long start = System.nanoTime();
          try {
            raw.send(junk);
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isBetween(400, 599);
          } catch (IOException closed) {
            // closed without an answer (e.g. a reset after a refusal): allowed, hanging is not
          }
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);
        }
      }
      KmsClient app = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
      long start = System.nanoTime();
      app.describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);
    }
  }

  /** Persistent connections (RFC 9112, section 9.3): pipelining, HTTP/1.0, HEAD. */
  @Test
  void persistentConnectionsPipeliningHttp10AndHead() throws Exception {
    try (LocalKms kms = kms(ServerLimits.defaults()).start()) {
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        String request = RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT);
        c.send(request + request);
        RawHttp.Response first = c.read();
        RawHttp.Response second = c.read();
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(first.header("x-amzn-RequestId"))
            .isNotEqualTo(second.header("x-amzn-RequestId"));
        // HEAD: the headers of the answer, no body, and the connection stays usable.
        RawHttp.Response head = c.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").readHead();
        assertThat(Integer.parseInt(head.header("Content-Length"))).isPositive();
        assertThat(c.send(request).read().status()).isEqualTo(200);
        assertThat(c.closedWithin(Duration.ofMillis(200))).isFalse();
      }
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        RawHttp.Response r =
            c.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT).replace("HTTP/1.1", "HTTP/1.0"))
                .read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(c.closedWithin(PROMPT)).isTrue();
      }
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        String request =
            RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)
                .replace("HTTP/1.1\r\n", "HTTP/1.0\r\nConnection: keep-alive\r\n");
        RawHttp.Response r = c.send(request).read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Connection")).isEqualTo("keep-alive");
        assertThat(c.send(request).read().status()).isEqualTo(200);
      }
    }
  }

  /**
   * At the connection limit, the longest-idle connection makes room for a newcomer; when every
   * connection is mid-request, newcomers wait in the backlog until a slot frees, which the request
   * timeout bounds.
   */
  @Test
  void connectionLimitEvictsIdleConnectionsAndBoundsTheWait() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withMaxConnections(4)
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    try (LocalKms kms = kms(limits).start()) {
      List<RawHttp> idle = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        idle.add(RawHttp.connect(kms.endpoint()));
      }
      Thread.sleep(200);
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        assertThat(c.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read().status())
            .isEqualTo(200);
      }
      assertThat(idle.get(0).closedWithin(PROMPT)).isTrue(); // the oldest idle one made room
      idle.forEach(RawHttp::close);

      List<RawHttp> busy = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        busy.add(RawHttp.connect(kms.endpoint()).send(PARTIAL_HEAD));
      }
      Thread.sleep(200);
      try (RawHttp c = RawHttp.connect(kms.endpoint())) {
        long start = System.nanoTime();
        assertThat(c.send(RawHttp.kmsRequest(RAW, "Encrypt", ENCRYPT)).read().status())
            .isEqualTo(200);
        // Admitted once the first of them was refused, at the request timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isBetween(Duration.ofMillis(600), PROMPT);
      }
      for (RawHttp b : busy) {
        assertThat(b.read().status()).isEqualTo(408);
        b.close();
      }
    }
  }

  /** close() releases the port and every thread the server started. */
  @Test
  void closeStopsEveryServerThread() throws Exception {
    LocalKms kms = kms(ServerLimits.defaults()).start();
    int port = kms.endpoint().getPort();
    String prefix = "local-kms-" + port + "-";
    kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID)
        .describeKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS));
    RawHttp open = RawHttp.connect(kms.endpoint()).send(PARTIAL_HEAD);
    assertThat(serverThreads(kms)).isPositive();
    kms.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (threads(prefix) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(threads(prefix)).isZero();
    assertThat(open.closedWithin(PROMPT)).isTrue();
    open.close();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  static int serverThreads(LocalKms kms) {
    return threads("local-kms-" + kms.endpoint().getPort() + "-");
  }

  static int threads(String prefix) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix) && t.isAlive()) {
        n++;
      }
    }
    return n;
  }
}
