package dev.envelope.aws.local;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP response of the local KMS server: status, headers and a body that is always sent with a
 * Content-Length (the server never streams).
 */
record HttpResponse(int status, Map<String, String> headers, byte[] body) {

  HttpResponse {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    for (Map.Entry<String, String> h : headers.entrySet()) {
      // A CR or LF in a header would let a value start a header (or a response) of its own.
      if (!isToken(h.getKey())
          || h.getValue().indexOf('\r') >= 0
          || h.getValue().indexOf('\n') >= 0) {
        throw new IllegalArgumentException("Header not allowed in a response: " + h.getKey());
      }
    }
  }

  /**
   * The bytes on the wire. headOnly leaves out the body (a HEAD request); connection is the
   * Connection header to send ({@code close}, {@code keep-alive}) or null for none.
   */
  byte[] encode(boolean headOnly, String connection) {
    StringBuilder s = new StringBuilder(160 + 40 * headers.size());
    s.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    s.append("Date: ")
        .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .append("\r\n");
    headers.forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
    s.append("Content-Length: ").append(body.length).append("\r\n");
    if (connection != null) {
      s.append("Connection: ").append(connection).append("\r\n");
    }
    s.append("\r\n");
    byte[] head = s.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (headOnly || body.length == 0) {
      return head;
    }
    byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** tchar of RFC 9110, section 5.6.2. */
  static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  static String reason(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status " + status;
    };
  }
}
