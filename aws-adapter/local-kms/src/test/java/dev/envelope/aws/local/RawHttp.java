package dev.envelope.aws.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a plain socket, for what the SDK will not send: partial, slow,
 * oversized and malformed requests. Reads responses framed by Content-Length (all the local KMS
 * sends).
 */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** One parsed response; header names lower case. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(URI endpoint) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5000);
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    return new RawHttp(s);
  }

  /** A KMS JSON request for an unverified principal (the signature is not checked). */
  static String kmsRequest(String accessKeyId, String operation, String json) {
    return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/x-amz-json-1.1\r\n"
        + "X-Amz-Target: TrentService."
        + operation
        + "\r\n"
        + "Authorization: AWS4-HMAC-SHA256 Credential="
        + accessKeyId
        + "/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00\r\n"
        + "Content-Length: "
        + json.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + json;
  }

  RawHttp send(String s) throws IOException {
    return send(s.getBytes(StandardCharsets.UTF_8));
  }

  RawHttp send(byte[] b) throws IOException {
    out.write(b);
    out.flush();
    return this;
  }

  /** Reads one response (a 100 Continue is a response too). */
  Response read() throws IOException {
    return read(false);
  }

  /** Reads the response to a HEAD request: its Content-Length announces a body it does not have. */
  Response readHead() throws IOException {
    return read(true);
  }

  private Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("Connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l; (l = line()) != null && !l.isEmpty(); ) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int length =
        !head && headers.containsKey("content-length")
            ? Integer.parseInt(headers.get("content-length"))
            : 0;
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True if bytes of an answer have arrived and can be read without blocking. */
  boolean answerWaiting() throws IOException {
    return in.available() > 0;
  }

  /** True if the server closes the connection (end of stream or reset) within the time given. */
  boolean closedWithin(Duration d) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout((int) d.toMillis());
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      socket.setSoTimeout(old);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
