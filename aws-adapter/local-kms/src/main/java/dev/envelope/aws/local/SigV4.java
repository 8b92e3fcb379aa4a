package dev.envelope.aws.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads who is calling from a SigV4 {@code Authorization} header and, when the principal has a
 * configured secret, checks the signature the way the service does. The access key id picks the
 * principal; the credential scope's Region picks which Region of the local KMS answers.
 */
final class SigV4 {
  private static final Pattern HEADER =
      Pattern.compile(
          "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request\\s*,\\s*"
              + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-fA-F]+)\\s*");

  /** The parsed header. */
  record Credential(
      String accessKeyId,
      String date,
      String region,
      String service,
      List<String> signedHeaders,
      String signature) {}

  private SigV4() {}

  static Credential parse(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new KmsException(
          "MissingAuthenticationTokenException", "Request is missing Authentication Token");
    }
    Matcher m = HEADER.matcher(authorization.trim());
    if (!m.matches()) {
      throw new KmsException(
          "IncompleteSignatureException",
          "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
    }
    return new Credential(
        m.group(1),
        m.group(2),
        m.group(3),
        m.group(4),
        List.of(m.group(5).split(";")),
        m.group(6).toLowerCase(Locale.ROOT));
  }

  /**
   * Recomputes the signature. headers maps lower-case names to their values (several values of one
   * header joined by commas, which is what SigV4 canonicalization asks for).
   */
  static boolean verify(
      Credential c,
      String secretKey,
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body) {
    StringBuilder canonical = new StringBuilder();
    canonical
        .append(method)
        .append('\n')
        .append(path.isEmpty() ? "/" : path)
        .append('\n')
        .append(query == null ? "" : canonicalQuery(query))
        .append('\n');
    for (String h : c.signedHeaders()) {
      List<String> values = headers.get(h);
      if (values == null) {
        return false;
      }
      List<String> trimmed = new ArrayList<>();
      for (String v : values) {
        trimmed.add(v.trim().replaceAll("\\s+", " "));
      }
      canonical.append(h).append(':').append(String.join(",", trimmed)).append('\n');
    }
    canonical.append('\n').append(String.join(";", c.signedHeaders())).append('\n');
    List<String> contentSha = headers.get("x-amz-content-sha256");
    String payloadHash =
        contentSha != null && !contentSha.isEmpty() && !contentSha.get(0).startsWith("UNSIGNED")
            ? contentSha.get(0)
            : hex(sha256(body));
    canonical.append(payloadHash);

    List<String> amzDate = headers.get("x-amz-date");
    if (amzDate == null || amzDate.isEmpty()) {
      return false;
    }
    String scope = c.date() + "/" + c.region() + "/" + c.service() + "/aws4_request";
    String toSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate.get(0)
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), c.date());
    k = hmac(k, c.region());
    k = hmac(k, c.service());
    k = hmac(k, "aws4_request");
    byte[] expected = hmac(k, toSign);
    return MessageDigest.isEqual(expected, HexFormat.of().parseHex(c.signature()));
  }

  private static String canonicalQuery(String query) {
    if (query.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>(List.of(query.split("&")));
    parts.sort(null);
    return String.join("&", parts);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
