package dev.envelope;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The message authenticated, but its encryption context is not the one the caller expected. Names
 * the differing keys, never their values (values may be sensitive).
 */
public class EncryptionContextMismatchException extends EnvelopeException {
  private static final long serialVersionUID = 1L;

  private final List<String> differingKeys;

  public EncryptionContextMismatchException(Set<String> differingKeys) {
    super(
        "The message's encryption context differs from the expected one in key(s) "
            + new TreeSet<>(differingKeys)
            + ". The message was encrypted for another context: check which record, tenant or purpose it"
            + " belongs to.");
    this.differingKeys = List.copyOf(new TreeSet<>(differingKeys));
  }

  /** The keys that are missing, extra or carry a different value, sorted. */
  public List<String> differingKeys() {
    return differingKeys;
  }
}
