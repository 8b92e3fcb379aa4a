package dev.envelope.internal.format;

import dev.envelope.keyring.EncryptedDataKey;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The encrypted data keys of a parsed header, as an immutable list, together with the encryption
 * context parsed from the same header and the header bytes both were read from: the section from
 * the context's length field to the end of the last encrypted data key, which follows the message
 * id in v1 and v2 headers alike.
 *
 * <p>Those bytes are what the data-key cache keys decryption entries on ({@link #sameBytes}, {@link
 * #bytesHash}, {@link #compareBytes}): one array comparison instead of hashing and comparing the
 * parsed context and keys. Equal bytes parse to an equal context and equal keys, so an entry never
 * serves a message whose context or keys differ; different bytes that parse to equal values (pairs
 * written out of order) get entries of their own, which costs a key-provider call and is never
 * wrong. The encrypted data keys are compared as a sorted sequence, as the AWS Encryption SDK sorts
 * them for its cache identifier: their order in a header does not change which data key they hold.
 *
 * <p>Only {@link MessageHeader#parse} creates one, so the context, the keys and the bytes always
 * belong together. Each thread remembers the last one it read: a header whose section has the very
 * same bytes (the common case on a record path, where one cached data key writes many messages)
 * reuses its parsed context and keys instead of parsing them again. Nothing here is secret: the
 * context and the encrypted data keys are stored in every header in the clear.
 */
public final class HeaderDataKeys extends AbstractList<EncryptedDataKey> implements RandomAccess {
  private static final ThreadLocal<HeaderDataKeys> LAST = new ThreadLocal<>();

  private final Map<String, String> encryptionContext;
  private final List<EncryptedDataKey> keys;

  /** The section as read: an immutable header body and the range of it the section spans. */
  private final byte[] raw;

  private final int rawFrom;
  private final int rawTo;

  /**
   * The section with its encrypted data keys in sorted order: {@link #raw} itself for one key (or
   * keys already in order), else a copy.
   */
  private final byte[] sorted;

  private final int sortedFrom;
  private final int sortedTo;
  private final int hash;

  /**
   * @param body the header body, which nobody modifies
   * @param from where the context's length field starts in {@code body}
   * @param keyStarts where each encrypted data key starts in {@code body}, in header order
   * @param to where the last encrypted data key ends in {@code body}
   */
  private HeaderDataKeys(
      Map<String, String> encryptionContext,
      List<EncryptedDataKey> keys,
      byte[] body,
      int from,
      int[] keyStarts,
      int to) {
    this.encryptionContext = encryptionContext;
    this.keys = List.copyOf(keys);
    this.raw = body;
    this.rawFrom = from;
    this.rawTo = to;
    byte[] inOrder = sortedCopy(body, from, keyStarts, to);
    if (inOrder == null) {
      this.sorted = body;
      this.sortedFrom = from;
      this.sortedTo = to;
    } else {
      this.sorted = inOrder;
      this.sortedFrom = 0;
      this.sortedTo = inOrder.length;
    }
    int h = 1;
    for (int i = sortedFrom; i < sortedTo; i++) {
      h = 31 * h + sorted[i];
    }
    this.hash = h;
  }

  /**
   * The section followed by the keys sorted by their serialized bytes (unsigned), or null if they
   * are in that order already. Each key's serialization is length-prefixed field by field, so the
   * concatenation reads back unambiguously.
   */
  private static byte[] sortedCopy(byte[] body, int from, int[] keyStarts, int to) {
    int n = keyStarts.length;
    boolean inOrder = true;
    for (int i = 1; i < n && inOrder; i++) {
      inOrder = compareKey(body, keyStarts, to, i - 1, i) <= 0;
    }
    if (inOrder) {
      return null;
    }
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort((a, b) -> compareKey(body, keyStarts, to, a, b));
    // The context's length field, the context and the key count, then the keys.
    int prefix = keyStarts[0];
    byte[] out = new byte[to - from];
    System.arraycopy(body, from, out, 0, prefix - from);
    int pos = prefix - from;
    for (int i : order) {
      int end = i + 1 < n ? keyStarts[i + 1] : to;
      System.arraycopy(body, keyStarts[i], out, pos, end - keyStarts[i]);
      pos += end - keyStarts[i];
    }
    return out;
  }

  private static int compareKey(byte[] body, int[] starts, int to, int a, int b) {
    int aEnd = a + 1 < starts.length ? starts[a + 1] : to;
    int bEnd = b + 1 < starts.length ? starts[b + 1] : to;
    return Arrays.compareUnsigned(body, starts[a], aEnd, body, starts[b], bEnd);
  }

  /**
   * This thread's last section if {@code buf} holds the very same bytes at {@code from} (within
   * {@code end}), else null.
   */
  static HeaderDataKeys lastReadAt(byte[] buf, int from, int end) {
    HeaderDataKeys last = LAST.get();
    if (last == null) {
      return null;
    }
    int length = last.rawTo - last.rawFrom;
    if (end - from < length
        || !Arrays.equals(buf, from, from + length, last.raw, last.rawFrom, last.rawTo)) {
      return null;
    }
    return last;
  }

  /** A section just parsed; this thread remembers it for the next header. */
  static HeaderDataKeys read(
      Map<String, String> encryptionContext,
      List<EncryptedDataKey> keys,
      byte[] body,
      int from,
      int[] keyStarts,
      int to) {
    HeaderDataKeys read = new HeaderDataKeys(encryptionContext, keys, body, from, keyStarts, to);
    LAST.set(read);
    return read;
  }

  /** Length of the section in the header. */
  int length() {
    return rawTo - rawFrom;
  }

  /** The context parsed from the same header; immutable. */
  public Map<String, String> encryptionContext() {
    return encryptionContext;
  }

  /** Whether both were read from equal bytes (their data keys compared in sorted order). */
  public boolean sameBytes(HeaderDataKeys other) {
    return this == other
        || (hash == other.hash
            && Arrays.equals(
                sorted, sortedFrom, sortedTo, other.sorted, other.sortedFrom, other.sortedTo));
  }

  /**
   * A total order of the bytes, consistent with {@link #sameBytes}: lets hash tables keep keys
   * whose hashes collide (the bytes come from whoever wrote the message) in a tree.
   */
  public int compareBytes(HeaderDataKeys other) {
    return this == other
        ? 0
        : Arrays.compareUnsigned(
            sorted, sortedFrom, sortedTo, other.sorted, other.sortedFrom, other.sortedTo);
  }

  /** Hash of the bytes {@link #sameBytes} compares, computed once. */
  public int bytesHash() {
    return hash;
  }

  @Override
  public EncryptedDataKey get(int index) {
    return keys.get(index);
  }

  @Override
  public int size() {
    return keys.size();
  }
}
