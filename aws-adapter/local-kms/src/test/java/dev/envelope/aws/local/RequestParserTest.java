package dev.envelope.aws.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/1.1 request reader on its own (RFC 9112): framing, limits and the malformed requests it
 * must refuse. The server's behaviour over real sockets is in {@link LocalKmsServerLimitsTest}.
 */
class RequestParserTest {
  static final ServerLimits LIMITS = ServerLimits.defaults().withBodyLimits(1000, 4000);
  static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

  RequestParser.BodyBudget budget = new RequestParser.BodyBudget(LIMITS.maxBufferedBodyBytes());

  @Test
  void readsARequestDeliveredOneByteAtATime() {
    String wire =
        "POST /?a=b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: TrentService.ListKeys"
            + "\r\nx-amz-target: second\r\nContent-Length: 5\r\n\r\nhello";
    RequestParser p = new RequestParser(LIMITS, budget);
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length - 1; i++) {
      assertThat(p.consume(ByteBuffer.wrap(bytes, i, 1))).isFalse();
    }
    assertThat(p.consume(ByteBuffer.wrap(bytes, bytes.length - 1, 1))).isTrue();
    HttpRequest r = p.request(REMOTE);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.rawPath()).isEqualTo("/");
    assertThat(r.rawQuery()).isEqualTo("a=b");
    assertThat(r.headers().get("x-amz-target")).containsExactly("TrentService.ListKeys", "second");
    assertThat(r.header("X-AMZ-TARGET")).isEqualTo("TrentService.ListKeys");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(r.keepAlive()).isTrue();
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailersIsDechunked() {
    RequestParser p = new RequestParser(LIMITS, budget);
    assertThat(
            p.consume(
                bytes(
                    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n")))
        .isTrue();
    assertThat(new String(p.request(REMOTE).body(), StandardCharsets.UTF_8))
        .isEqualTo("hello world");
  }

  @Test
  void pipelinedRequestIsLeftInTheBuffer() {
    RequestParser p = new RequestParser(LIMITS, budget);
    ByteBuffer in =
        bytes("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(p.consume(in)).isTrue();
    assertThat(p.request(REMOTE).rawPath()).isEqualTo("/one");
    p.reset();
    assertThat(p.consume(in)).isTrue();
    assertThat(p.request(REMOTE).rawPath()).isEqualTo("/two");
    assertThat(in.hasRemaining()).isFalse();
  }

  @Test
  void connectionHeaderAndVersionDecideKeepAlive() {
    assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive())
        .isFalse();
    assertThat(parse("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
    assertThat(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
    // Empty lines before the request line are ignored (RFC 9112, section 2.2).
    assertThat(parse("\r\n\r\nGET http://h/p?q HTTP/1.1\r\nHost: h\r\n\r\n").rawPath())
        .isEqualTo("/p");
  }

  @Test
  void expectContinueIsReportedOnceBeforeTheBody() {
    RequestParser p = new RequestParser(LIMITS, budget);
    assertThat(
            p.consume(
                bytes(
                    "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 2\r\n\r\n")))
        .isFalse();
    assertThat(p.takeExpectContinue()).isTrue();
    assertThat(p.takeExpectContinue()).isFalse();
    assertThat(p.consume(bytes("{}"))).isTrue();
  }

  /**
   * Oversized requests are refused with KMS's 413 RequestEntityTooLargeException (KMS API
   * Reference, Common Errors:
   * https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html) as soon as the announced
   * or accumulated size passes the limit, before the body is buffered.
   */
  @Test
  void oversizedRequestsAreRefusedWith413BeforeTheBodyIsRead() {
    assertRefused(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n",
        413,
        "RequestEntityTooLargeException");
    assertRefused(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3e8\r\n"
            + "x".repeat(1000)
            + "\r\n1\r\n",
        413,
        "RequestEntityTooLargeException");
    assertRefused(
        "GET / HTTP/1.1\r\nHost: h\r\nX: " + "y".repeat(LIMITS.maxHeaderBytes()) + "\r\n\r\n",
        413,
        "RequestEntityTooLargeException");
    assertThat(budget.available()).isEqualTo(LIMITS.maxBufferedBodyBytes());
  }

  /** Malformed HTTP is 400 MalformedHttpRequestException (KMS API Reference, Common Errors). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "GARBAGE\r\n\r\n",
        "POST  / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nName : x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\n folded: continuation\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX",
        "POST nowhere HTTP/1.1\r\nHost: h\r\n\r\n",
      })
  void malformedRequestsAre400(String wire) {
    assertRefused(wire, 400, "MalformedHttpRequestException");
  }

  @Test
  void overlongChunkSizeLineIs400() {
    assertRefused(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "x".repeat(300),
        400,
        "MalformedHttpRequestException");
  }

  @Test
  void unsupportedVersionAndCodingHaveTheirOwnStatus() {
    assertRefused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "MalformedHttpRequestException");
    assertRefused(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        501,
        "MalformedHttpRequestException");
  }

  @Test
  void bodiesDrawOnTheSharedBudgetAsTheyArriveAndGiveItBack() {
    RequestParser.BodyBudget small = new RequestParser.BodyBudget(1000);
    RequestParser a = new RequestParser(LIMITS, small);
    RequestParser b = new RequestParser(LIMITS, small);
    // Announcing 1000 bytes reserves nothing until bytes arrive.
    assertThat(a.consume(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n")))
        .isFalse();
    assertThat(small.available()).isEqualTo(1000);
    assertThat(a.consume(bytes("x".repeat(10)))).isFalse();
    assertThat(small.available()).isZero(); // the buffer for this 1000-byte body
    assertThat(b.consume(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n")))
        .isFalse();
    assertThatThrownBy(() -> b.consume(bytes("y")))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(503);
              assertThat(e.errorType()).isEqualTo("ServiceUnavailable");
            });
    a.reset();
    assertThat(small.available()).isEqualTo(1000);
  }

  @Test
  void limitsRejectNonsense() {
    assertThatThrownBy(() -> ServerLimits.defaults().withWorkers(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerLimits.defaults().withBodyLimits(10, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ServerLimits.defaults()
                    .withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private HttpRequest parse(String wire) {
    RequestParser p = new RequestParser(LIMITS, budget);
    assertThat(p.consume(bytes(wire))).isTrue();
    return p.request(REMOTE);
  }

  private void assertRefused(String wire, int status, String type) {
    RequestParser p = new RequestParser(LIMITS, budget);
    assertThatThrownBy(() -> p.consume(bytes(wire)))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(status);
              assertThat(e.errorType()).isEqualTo(type);
              assertThat(e.getMessage()).isNotBlank();
            });
    p.reset();
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
