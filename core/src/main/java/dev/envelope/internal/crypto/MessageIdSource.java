package dev.envelope.internal.crypto;

import dev.envelope.internal.bytes.BigEndian;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * Message ids for format v2: 32 bytes each, unique, and indistinguishable from random to anyone
 * without this thread's id key. One per thread, like {@link RandomSource}.
 *
 * <p>An id is AES-256 (the JDK's cipher, hardware AES) of two consecutive values of a 128-bit
 * counter under a key of its own: the generate step of NIST SP 800-90A's CTR_DRBG without the
 * per-call key update. Key and starting counter are drawn from {@link RandomSource} (the JDK's
 * DRBG) when the thread makes its first id and again every {@link #REKEY_AFTER} ids.
 *
 * <p>Why this is enough: a message id is public (it is in the header), and format v2 uses it as the
 * HKDF input that makes each message's key and commitment from the data key; what the format needs
 * is that an id never repeats under one data key, since two messages with the same data key and id
 * would share a message key and frame IVs (GCM nonce reuse). Within one key AES is a permutation
 * and the counter never repeats before the rekey, so no two ids of a thread collide; ids under
 * different keys (other threads, other rekeys, other JVMs) are 256-bit values that no party without
 * the keys can tell from random, so they collide with probability about n^2 / 2^257 for n ids.
 * Rekeying after 2^32 ids (2^33 AES blocks) keeps the distance between AES and a random function at
 * that point at about 2^66 / 2^129 = 2^-63, and bounds how many ids depend on one key. Ids are not
 * secrets: knowing the id key would let someone predict the next ids of a thread, which gives
 * nothing about the data key or the message key.
 *
 * <p>What is not covered, as for every generator that keeps state in the process (the JDK's DRBG,
 * which this one's keys come from, included): a VM snapshot restored twice, or a process cloned
 * with its memory, continues with the same id key and counter in every copy, and the copies repeat
 * each other's ids; with a data key cached before the snapshot, that means repeated message keys.
 * Threads started after the restore draw fresh keys, as do fresh DRBG instances, which seed from
 * the operating system. Data keys and signing keys still come from {@link RandomSource}, never from
 * here.
 *
 * <p>Not thread-safe; use {@link #forThread()}.
 */
public final class MessageIdSource {
  /** Ids made under one key before the next key is drawn. */
  public static final long REKEY_AFTER = 1L << 32;

  /** Length of an id: two AES blocks. */
  public static final int ID_LENGTH = 32;

  private static final ThreadLocal<MessageIdSource> PER_THREAD =
      ThreadLocal.withInitial(() -> new MessageIdSource(RandomSource.get(), REKEY_AFTER));

  private final SecureRandom seeds;
  private final long rekeyAfter;
  private final Cipher aes;

  /** The next two counter blocks, big-endian; the counter itself. */
  private final byte[] blocks = new byte[ID_LENGTH];

  private long counterHigh;
  private long counterLow;
  private long idsUnderKey;

  /**
   * @param seeds where the keys and starting counters come from
   * @param rekeyAfter ids per key (tests use small values)
   */
  MessageIdSource(SecureRandom seeds, long rekeyAfter) {
    if (rekeyAfter < 1 || rekeyAfter > REKEY_AFTER) {
      throw new IllegalArgumentException("rekeyAfter must be 1.." + REKEY_AFTER);
    }
    this.seeds = seeds;
    this.rekeyAfter = rekeyAfter;
    try {
      this.aes = Cipher.getInstance("AES/ECB/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is not available in this JVM", e);
    }
    rekey();
  }

  /** This thread's source. */
  public static MessageIdSource forThread() {
    return PER_THREAD.get();
  }

  /** A new 32-byte message id. */
  public byte[] next() {
    if (idsUnderKey >= rekeyAfter) {
      rekey();
    }
    idsUnderKey++;
    writeCounterAndIncrement(0);
    writeCounterAndIncrement(16);
    byte[] id = new byte[ID_LENGTH];
    try {
      int written = aes.doFinal(blocks, 0, ID_LENGTH, id, 0);
      if (written != ID_LENGTH) {
        throw new IllegalStateException("AES-ECB wrote " + written + " bytes, not " + ID_LENGTH);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-ECB failed", e);
    }
    return id;
  }

  /** Ids made under the current key; for tests. */
  long idsUnderKey() {
    return idsUnderKey;
  }

  /** Writes the counter, big-endian, at {@code blocks[off, off + 16)} and adds one (mod 2^128). */
  private void writeCounterAndIncrement(int off) {
    BigEndian.writeLong(blocks, off, counterHigh);
    BigEndian.writeLong(blocks, off + 8, counterLow);
    counterLow++;
    if (counterLow == 0) {
      counterHigh++;
    }
  }

  /** Draws a new AES-256 key and a new starting counter from {@link #seeds}. */
  private void rekey() {
    byte[] key = new byte[32];
    byte[] counter = new byte[16];
    seeds.nextBytes(key);
    seeds.nextBytes(counter);
    OwnedKey owned = new OwnedKey(key, "AES");
    try {
      aes.init(Cipher.ENCRYPT_MODE, owned);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256 is not available in this JVM", e);
    } finally {
      // The cipher keeps its own expanded copy; ours is not needed any more.
      owned.destroy();
    }
    counterHigh = BigEndian.readLong(counter, 0);
    counterLow = BigEndian.readLong(counter, 8);
    Arrays.fill(counter, (byte) 0);
    idsUnderKey = 0;
  }

  @Override
  public String toString() {
    return "MessageIdSource[AES-256 over a counter, " + idsUnderKey + " ids under this key]";
  }
}
