package dev.envelope.aws.local;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 request (RFC 9112) from bytes as they arrive, in any slices: request line,
 * header section, then a body framed by Content-Length or chunked transfer coding. It buffers no
 * more than the limits allow (the head up to {@code maxHeaderBytes}, the body up to {@code
 * maxBodyBytes} and only as its bytes arrive, drawn from a budget shared by all connections) and
 * refuses what HTTP/1.1 says a server must not guess at: both Content-Length and Transfer-Encoding,
 * differing Content-Lengths, obsolete line folding, whitespace before a colon. Errors are {@link
 * KmsException}s from {@link HttpErrors}. Not thread-safe: one per connection, used by the server's
 * I/O thread, reused for each request with {@link #reset()}.
 */
final class RequestParser {
  private static final byte[] EMPTY = new byte[0];
  private static final int CHUNK_LINE_MAX = 256;

  /** Bytes of request bodies buffered across all connections. I/O thread only. */
  static final class BodyBudget {
    private long available;

    BodyBudget(long bytes) {
      this.available = bytes;
    }

    boolean take(long n) {
      if (n > available) {
        return false;
      }
      available -= n;
      return true;
    }

    void give(long n) {
      available += n;
    }

    long available() {
      return available;
    }
  }

  private enum State {
    HEAD,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILERS,
    DONE
  }

  private final ServerLimits limits;
  private final BodyBudget budget;

  private State state = State.HEAD;
  private boolean started;
  private byte[] head = EMPTY;
  private int headLen;
  private int lineStart;
  private int lineLen;
  private boolean sawCr;
  private int trailerBytes;

  private String method;
  private String rawPath;
  private String rawQuery;
  private Map<String, List<String>> headers = Map.of();
  private boolean http11;
  private boolean keepAlive;
  private boolean expectContinue;

  private byte[] body = EMPTY;
  private int bodyLen;
  private long remaining;
  private long reserved;

  RequestParser(ServerLimits limits, BodyBudget budget) {
    this.limits = limits;
    this.budget = budget;
  }

  /** True once any byte of the current request has arrived. */
  boolean started() {
    return started;
  }

  /**
   * Consumes bytes from {@code in} and returns true when the request is complete; then {@code in}
   * is left positioned at the first byte after it (a pipelined request), otherwise it is drained.
   */
  boolean consume(ByteBuffer in) {
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case HEAD -> head(in);
        case FIXED_BODY, CHUNK_DATA -> bodyBytes(in);
        case CHUNK_SIZE -> chunkSize(in.get());
        case CHUNK_DATA_END -> chunkDataEnd(in.get());
        case TRAILERS -> trailer(in.get());
        default -> throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  /** True once, when the client asked for {@code 100 Continue} before it sends the body. */
  boolean takeExpectContinue() {
    boolean c = expectContinue && state != State.DONE;
    expectContinue = false;
    return c;
  }

  /** The headers of the current request, or an empty map before the header section is complete. */
  Map<String, List<String>> headers() {
    return headers;
  }

  /** The complete request; only after {@link #consume} returned true. */
  HttpRequest request(InetSocketAddress remote) {
    if (state != State.DONE) {
      throw new IllegalStateException("Request not complete");
    }
    byte[] b = body.length == bodyLen ? body : Arrays.copyOf(body, bodyLen);
    return new HttpRequest(method, rawPath, rawQuery, headers, b, http11, keepAlive, remote);
  }

  /** Forgets the current request and returns its buffers to the budget. */
  void reset() {
    budget.give(reserved);
    reserved = 0;
    state = State.HEAD;
    started = false;
    head = EMPTY;
    headLen = 0;
    lineStart = 0;
    lineLen = 0;
    sawCr = false;
    trailerBytes = 0;
    method = null;
    rawPath = null;
    rawQuery = null;
    headers = Map.of();
    http11 = false;
    keepAlive = false;
    expectContinue = false;
    body = EMPTY;
    bodyLen = 0;
    remaining = 0;
  }

  private void head(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      started = true;
      if (headLen == 0 && (b == '\r' || b == '\n')) {
        continue; // empty lines before the request line are ignored (RFC 9112, section 2.2)
      }
      if (headLen == limits.maxHeaderBytes()) {
        throw HttpErrors.tooLarge(
            "The request line and headers exceed " + limits.maxHeaderBytes() + " bytes");
      }
      if (headLen == head.length) {
        head = Arrays.copyOf(head, Math.min(limits.maxHeaderBytes(), Math.max(1024, 2 * headLen)));
      }
      head[headLen++] = b;
      if (b == '\n') {
        int len = headLen - 1 - lineStart;
        if (len > 0 && head[headLen - 2] == '\r') {
          len--;
        }
        if (len == 0) {
          parseHead();
          return;
        }
        lineStart = headLen;
      }
    }
  }

  private void parseHead() {
    List<String> lines = lines(head, headLen);
    head = EMPTY; // an idle connection keeps no header buffer
    String requestLine = lines.get(0);
    int sp1 = requestLine.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
      throw HttpErrors.malformed("Malformed request line");
    }
    method = requestLine.substring(0, sp1);
    String target = requestLine.substring(sp1 + 1, sp2);
    String version = requestLine.substring(sp2 + 1);
    if (!HttpResponse.isToken(method) || target.isEmpty() || hasControl(target, false)) {
      throw HttpErrors.malformed("Malformed request line");
    }
    if (version.equals("HTTP/1.1")) {
      http11 = true;
    } else if (version.equals("HTTP/1.0")) {
      http11 = false;
    } else if (version.length() == 8
        && version.startsWith("HTTP/")
        && isDigit(version.charAt(5))
        && version.charAt(6) == '.'
        && isDigit(version.charAt(7))) {
      throw HttpErrors.malformed("HTTP version not supported: " + version, 505);
    } else {
      throw HttpErrors.malformed("Malformed request line");
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw HttpErrors.malformed("Obsolete line folding in headers is not accepted");
      }
      int colon = line.indexOf(':');
      String name = colon <= 0 ? "" : line.substring(0, colon);
      if (!HttpResponse.isToken(name)) {
        throw HttpErrors.malformed("Malformed header line");
      }
      String value = trimOws(line.substring(colon + 1));
      if (hasControl(value, true)) {
        throw HttpErrors.malformed("Control character in header " + name);
      }
      h.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    }
    h.replaceAll((k, v) -> Collections.unmodifiableList(v));
    headers = Collections.unmodifiableMap(h);
    if (http11 && (h.get("host") == null || h.get("host").size() != 1)) {
      throw HttpErrors.malformed("An HTTP/1.1 request needs exactly one Host header");
    }
    target(target);
    keepAlive = http11;
    for (String token : tokens(h.get("connection"))) {
      if (token.equals("close")) {
        keepAlive = false;
        break;
      }
      if (token.equals("keep-alive")) {
        keepAlive = true;
      }
    }
    framing(h);
    List<String> expect = h.get("expect");
    expectContinue =
        http11
            && expect != null
            && expect.size() == 1
            && expect.get(0).equalsIgnoreCase("100-continue");
  }

  private void target(String target) {
    if (target.charAt(0) == '/') {
      int q = target.indexOf('?');
      rawPath = q < 0 ? target : target.substring(0, q);
      rawQuery = q < 0 ? null : target.substring(q + 1);
    } else if (target.equals("*") && method.equals("OPTIONS")) {
      rawPath = target;
    } else if (target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8)) {
      try {
        URI uri = new URI(target);
        rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        rawQuery = uri.getRawQuery();
      } catch (URISyntaxException e) {
        throw HttpErrors.malformed("Malformed request target");
      }
    } else {
      throw HttpErrors.malformed("Malformed request target");
    }
  }

  private void framing(Map<String, List<String>> h) {
    List<String> te = h.get("transfer-encoding");
    List<String> cl = h.get("content-length");
    if (te != null) {
      // Both headers at once is how requests are smuggled past intermediaries (RFC 9112, 6.1).
      if (cl != null) {
        throw HttpErrors.malformed(
            "A request may not carry both Content-Length and " + "Transfer-Encoding");
      }
      if (!http11) {
        throw HttpErrors.malformed("Transfer-Encoding needs HTTP/1.1");
      }
      List<String> codings = tokens(te);
      if (!codings.equals(List.of("chunked"))) {
        throw HttpErrors.malformed("Transfer coding not supported: " + String.join(", ", te), 501);
      }
      state = State.CHUNK_SIZE;
      return;
    }
    if (cl == null) {
      state = State.DONE;
      return;
    }
    String value = null;
    for (String v : cl) {
      for (String part : v.split(",", -1)) {
        String p = trimOws(part);
        if (p.isEmpty()
            || p.length() > 18
            || !p.chars().allMatch(RequestParser::isDigit)
            || (value != null && !value.equals(p))) {
          throw HttpErrors.malformed("Invalid Content-Length");
        }
        value = p;
      }
    }
    long length = Long.parseLong(value);
    if (length > limits.maxBodyBytes()) {
      throw bodyTooLarge(length);
    }
    remaining = length;
    state = length == 0 ? State.DONE : State.FIXED_BODY;
  }

  private void bodyBytes(ByteBuffer in) {
    int n = (int) Math.min(remaining, in.remaining());
    long hint = state == State.FIXED_BODY ? bodyLen + remaining : limits.maxBodyBytes();
    ensureBody(bodyLen + n, hint);
    in.get(body, bodyLen, n);
    bodyLen += n;
    remaining -= n;
    if (remaining == 0) {
      state = state == State.FIXED_BODY ? State.DONE : State.CHUNK_DATA_END;
    }
  }

  /** Grows the body buffer as bytes arrive (not to the announced length at once), within budget. */
  private void ensureBody(int needed, long hint) {
    if (needed <= body.length) {
      return;
    }
    int target = (int) Math.min(hint, Math.max(needed, Math.max(8192L, 2L * body.length)));
    if (!budget.take(target - body.length)) {
      throw HttpErrors.unavailable(
          "The local KMS is buffering too many request bodies; " + "retry later");
    }
    reserved += target - body.length;
    body = Arrays.copyOf(body, target);
  }

  private void chunkSize(byte b) {
    if (b != '\n') {
      if (++lineLen > CHUNK_LINE_MAX) {
        throw HttpErrors.malformed("Chunk size line too long");
      }
      head = head.length == 0 ? new byte[CHUNK_LINE_MAX] : head;
      head[lineLen - 1] = b;
      return;
    }
    String line = new String(head, 0, lineLen, StandardCharsets.ISO_8859_1);
    lineLen = 0;
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    int semi = line.indexOf(';');
    String hex = trimOws(semi < 0 ? line : line.substring(0, semi));
    if (!hex.matches("[0-9a-fA-F]{1,15}")) {
      throw HttpErrors.malformed("Malformed chunk size");
    }
    long size = Long.parseLong(hex, 16);
    if (bodyLen + size > limits.maxBodyBytes()) {
      throw bodyTooLarge(bodyLen + size);
    }
    if (size == 0) {
      head = EMPTY;
      state = State.TRAILERS;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private void chunkDataEnd(byte b) {
    if (b == '\r' && !sawCr) {
      sawCr = true;
    } else if (b == '\n') {
      sawCr = false;
      state = State.CHUNK_SIZE;
    } else {
      throw HttpErrors.malformed("Chunk data not followed by CRLF");
    }
  }

  private void trailer(byte b) {
    if (++trailerBytes > limits.maxHeaderBytes()) {
      throw HttpErrors.tooLarge(
          "The chunked body's trailers exceed " + limits.maxHeaderBytes() + " bytes");
    }
    if (b == '\n') {
      if (lineLen == 0) {
        state = State.DONE; // trailer fields are read and dropped: KMS defines none
      }
      lineLen = 0;
    } else if (b != '\r') {
      lineLen++;
    }
  }

  private KmsException bodyTooLarge(long length) {
    return HttpErrors.tooLarge(
        "The request body of "
            + length
            + " bytes exceeds the limit of "
            + limits.maxBodyBytes()
            + " bytes");
  }

  /** The non-empty lines of a header section, without their CRLF or LF. */
  private static List<String> lines(byte[] bytes, int length) {
    List<String> out = new ArrayList<>(16);
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        if (end > start) {
          out.add(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
        }
        start = i + 1;
      }
    }
    return out;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /** The comma-separated tokens of a header's values, lower case. */
  private static List<String> tokens(List<String> values) {
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String t : v.split(",")) {
        String s = trimOws(t).toLowerCase(Locale.ROOT);
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean hasControl(String s, boolean tabAllowed) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && !(tabAllowed && c == '\t')) || c == 0x7f || (!tabAllowed && c == ' ')) {
        return true;
      }
    }
    return false;
  }
}
