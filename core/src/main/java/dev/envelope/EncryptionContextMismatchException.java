package dev.envelope;

import dev.envelope.internal.text.UntrustedText;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The message's header declares an encryption context other than the one the caller expected, so
 * nothing was decrypted. Names the differing keys, never their values (values may be sensitive).
 *
 * <p><b>What it proves.</b> The check runs on the header as read, <em>before</em> the header is
 * authenticated, so that a message meant for another context costs no key-provider (KMS) request.
 * It therefore shows only that these bytes are not a valid message for the expected context. It
 * does not show that they are an authentic message for another context: anyone can write a header
 * declaring any context without holding a key. Treat it as the invalid message it is (it is an
 * {@link InvalidMessageException}), not as evidence that another tenant's or record's data was
 * presented. For the same reason the keys in {@link #differingKeys()} are untrusted text; the
 * exception's message shows them escaped and shortened.
 */
public class EncryptionContextMismatchException extends InvalidMessageException {
  private static final long serialVersionUID = 1L;

  private final List<String> differingKeys;

  public EncryptionContextMismatchException(Set<String> differingKeys) {
    super(
        "The message's header declares an encryption context that differs from the expected one in key(s) "
            + UntrustedText.list(new TreeSet<>(differingKeys))
            + "; nothing was decrypted. The header was checked"
            + " before it was authenticated: these bytes are not a message for the expected context, but they may"
            + " as well be an altered or forged header as a message written for another record, tenant or"
            + " purpose.");
    this.differingKeys = List.copyOf(new TreeSet<>(differingKeys));
  }

  /**
   * The keys that are missing, extra or carry a different value, sorted, exactly as read from the
   * unauthenticated header: escape them (as the exception's message does) before logging or
   * displaying.
   */
  public List<String> differingKeys() {
    return differingKeys;
  }
}
