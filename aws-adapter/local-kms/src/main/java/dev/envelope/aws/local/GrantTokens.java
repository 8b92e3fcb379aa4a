package dev.envelope.aws.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Grant tokens: opaque strings naming a grant, authenticated with a per-server secret so that a
 * token cannot be forged from a grant id. A token lets a request use its grant before the grant has
 * propagated. Anything that does not verify is a malformed token (InvalidGrantTokenException), as
 * the service answers for tokens it did not issue.
 */
final class GrantTokens {
  private static final String PREFIX = "LKMSv1";
  static final int MAX_TOKENS = 10;
  static final int MAX_TOKEN_LENGTH = 8192;

  private final byte[] secret = new byte[32];

  GrantTokens(SecureRandom random) {
    random.nextBytes(secret);
  }

  String issue(String grantId) {
    byte[] mac = mac(grantId);
    return PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(concat(grantId.getBytes(StandardCharsets.US_ASCII), mac));
  }

  /** The grant ids named by the presented tokens; throws for too many or malformed tokens. */
  Set<String> grantIds(List<String> tokens) {
    if (tokens.size() > MAX_TOKENS) {
      throw KmsException.validation(
          "1 validation error detected: Value at 'grantTokens' failed to "
              + "satisfy constraint: Member must have length less than or equal to 10");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String t : tokens) {
      ids.add(grantId(t));
    }
    return ids;
  }

  String grantId(String token) {
    if (token == null
        || token.isEmpty()
        || token.length() > MAX_TOKEN_LENGTH
        || !token.startsWith(PREFIX)) {
      throw invalid();
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (raw.length != 64 + 32) {
      throw invalid();
    }
    String id = new String(raw, 0, 64, StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(mac(id), Arrays.copyOfRange(raw, 64, raw.length))) {
      throw invalid();
    }
    return id;
  }

  /** A short fingerprint for the audit log: tokens are bearer credentials and are never logged. */
  static String fingerprint(String token) {
    return SigV4.hex(SigV4.sha256(token.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
  }

  private static KmsException invalid() {
    return new KmsException("InvalidGrantTokenException", "Grant token is malformed");
  }

  private byte[] mac(String grantId) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      return m.doFinal(grantId.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
