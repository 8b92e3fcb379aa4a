package dev.envelope.aws.local;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 request as the local KMS server received it, body complete.
 *
 * @param method the request method, e.g. {@code POST}
 * @param rawPath the path of the request target, still percent-encoded ({@code /} for KMS)
 * @param rawQuery the query of the request target without {@code ?}, or null
 * @param headers header values by lower-case name, in arrival order
 * @param body the body, de-chunked
 * @param http11 HTTP/1.1 (else HTTP/1.0)
 * @param keepAlive whether the client may send another request on this connection
 * @param remote the peer's address
 */
record HttpRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body,
    boolean http11,
    boolean keepAlive,
    InetSocketAddress remote) {

  /** The first value of a header (name in any case), or null. */
  String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
