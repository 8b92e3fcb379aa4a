package dev.envelope.keyring;

import dev.envelope.internal.crypto.AesGcm;
import dev.envelope.internal.crypto.OwnedKey;
import dev.envelope.internal.crypto.RandomSource;
import dev.envelope.internal.format.EncryptionContextCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.security.auth.Destroyable;

/**
 * Wraps data keys with an AES key you hold (AES-GCM, 128, 192 or 256 bits), compatible with the AWS
 * Encryption SDK's raw AES keyring and its {@code JceMasterKey} with {@code AES/GCM/NoPadding}.
 *
 * <p>The encrypted data key's provider id is the key namespace; its provider info is the key name,
 * the tag length in bits (4 bytes), the IV length (4 bytes) and the IV; its ciphertext is the
 * wrapped key followed by the tag. The serialized encryption context is the wrapping AAD, so a data
 * key only unwraps under the context it was wrapped for.
 *
 * <p>Holds its own copy of the wrapping key; {@link #destroy()} zeroes it, after which the keyring
 * refuses work.
 *
 * <p>Wrapping and unwrapping use AES-GCM ciphers that only ever hold this keyring's wrapping key,
 * one per concurrent caller, kept in a pool: SunJCE skips the AES key schedule when a cipher is
 * initialised again with the key it already holds, so a data key costs no key setup, and the
 * per-thread cipher that encrypts messages never sees the wrapping key. The pooled ciphers hold the
 * wrapping key's expanded form for as long as the keyring holds the key itself; {@link #destroy()}
 * re-keys each of them with a dummy key ({@link AesGcm#scrub()}).
 *
 * <p>{@link #destroy()} while other threads wrap or unwrap: an operation that has not begun refuses
 * with {@link IllegalStateException}; one under way finishes with the real key, and the last one to
 * finish zeroes the key and scrubs the ciphers. Zeroing the key under a running operation could let
 * the cipher read a half-zeroed key and wrap a data key under bytes anyone can guess.
 */
public final class RawAesKeyring implements Keyring, Destroyable {
  private static final int TAG_BITS = 128;

  private final String keyNamespace;
  private final String keyName;
  private final byte[] keyNameBytes;
  private final OwnedKey wrappingKey;
  private final int wrappingKeyLength;

  /** Ciphers keyed only with {@link #wrappingKey}, not in use; see the class comment. */
  private final ConcurrentLinkedQueue<AesGcm> idleCiphers = new ConcurrentLinkedQueue<>();

  /**
   * {@link #DESTROYED} once {@link #destroy()} has been called, plus the number of operations that
   * hold a cipher ({@link #acquireCipher} to {@link #releaseCipher}). The key is zeroed when both
   * say so: destroyed, and nothing in flight.
   */
  private final AtomicInteger state = new AtomicInteger();

  private static final int DESTROYED = Integer.MIN_VALUE;

  private RawAesKeyring(Builder builder) {
    this.keyNamespace = builder.keyNamespace;
    this.keyName = builder.keyName;
    this.keyNameBytes = keyName.getBytes(StandardCharsets.UTF_8);
    this.wrappingKeyLength = builder.wrappingKey.length;
    this.wrappingKey = new OwnedKey(builder.wrappingKey.clone(), "AES");
  }

  public static Builder builder() {
    return new Builder();
  }

  public String keyNamespace() {
    return keyNamespace;
  }

  public String keyName() {
    return keyName;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    checkNotDestroyed();
    if (materials.hasDataKey()) {
      return materials.withEncryptedDataKey(
          wrap(materials.dataKey(), materials.encryptionContext()));
    }
    byte[] fresh = new byte[materials.suite().dataKeyLength()];
    RandomSource.get().nextBytes(fresh);
    DataKey dataKey = DataKey.wrap(fresh);
    try {
      return materials.withGeneratedDataKey(dataKey, wrap(dataKey, materials.encryptionContext()));
    } catch (RuntimeException e) {
      dataKey.destroy();
      throw e;
    }
  }

  private EncryptedDataKey wrap(DataKey dataKey, Map<String, String> context) {
    byte[] iv = new byte[AesGcm.IV_LENGTH];
    RandomSource.get().nextBytes(iv);
    byte[] ciphertext = new byte[dataKey.length() + AesGcm.TAG_LENGTH];
    byte[] aad = EncryptionContextCodec.serialize(context);
    AesGcm gcm = acquireCipher();
    try {
      gcm.encrypt(wrappingKey, iv, aad, dataKey.bytes(), 0, dataKey.length(), ciphertext, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM wrapping failed", e);
    } finally {
      releaseCipher(gcm);
    }
    byte[] info =
        ByteBuffer.allocate(keyNameBytes.length + 8 + iv.length)
            .put(keyNameBytes)
            .putInt(TAG_BITS)
            .putInt(iv.length)
            .put(iv)
            .array();
    return new EncryptedDataKey(keyNamespace, info, ciphertext);
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    checkNotDestroyed();
    if (materials.hasDataKey()) {
      // The raw AES keyring specification requires failing rather than passing the materials
      // through.
      throw new IllegalStateException("decryption materials already hold a data key");
    }
    byte[] aad = null;
    for (EncryptedDataKey edk : encryptedDataKeys) {
      byte[] iv = ivIfOurs(edk);
      if (iv == null) {
        continue;
      }
      if (aad == null) {
        aad = EncryptionContextCodec.serialize(materials.encryptionContext());
      }
      byte[] key = unwrap(edk, iv, aad);
      if (key == null) {
        // Some older implementations sorted context keys as signed bytes; they differ only for
        // non-ASCII keys.
        byte[] legacyAad =
            EncryptionContextCodec.serializeSignedOrder(materials.encryptionContext());
        if (!Arrays.equals(legacyAad, aad)) {
          key = unwrap(edk, iv, legacyAad);
        }
      }
      if (key != null) {
        if (key.length != materials.suite().dataKeyLength()) {
          Arrays.fill(key, (byte) 0);
          continue;
        }
        return materials.withDataKey(DataKey.wrap(key));
      }
    }
    return materials;
  }

  /** The IV from the provider info if this keyring wrote the key, else null. */
  private byte[] ivIfOurs(EncryptedDataKey edk) {
    if (!edk.providerId().equals(keyNamespace)) {
      return null;
    }
    byte[] info = edk.providerInfo();
    if (info.length != keyNameBytes.length + 8 + AesGcm.IV_LENGTH
        || !Arrays.equals(info, 0, keyNameBytes.length, keyNameBytes, 0, keyNameBytes.length)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(info, keyNameBytes.length, 8 + AesGcm.IV_LENGTH);
    if (b.getInt() != TAG_BITS || b.getInt() != AesGcm.IV_LENGTH) {
      return null;
    }
    return Arrays.copyOfRange(info, keyNameBytes.length + 8, info.length);
  }

  private byte[] unwrap(EncryptedDataKey edk, byte[] iv, byte[] aad) {
    byte[] ciphertext = edk.ciphertext();
    if (ciphertext.length <= AesGcm.TAG_LENGTH) {
      return null;
    }
    byte[] key = new byte[ciphertext.length - AesGcm.TAG_LENGTH];
    AesGcm gcm = acquireCipher();
    try {
      gcm.decrypt(wrappingKey, iv, aad, ciphertext, 0, ciphertext.length, key, 0);
      return key;
    } catch (AEADBadTagException e) {
      Arrays.fill(key, (byte) 0);
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unwrapping failed", e);
    } finally {
      releaseCipher(gcm);
    }
  }

  /**
   * An idle cipher of this keyring's, or a new one; hand it back with {@link #releaseCipher}. Until
   * then the wrapping key stays intact, even if {@link #destroy()} is called meanwhile.
   *
   * @throws IllegalStateException if the keyring has been destroyed
   */
  AesGcm acquireCipher() {
    for (int s = state.get(); ; s = state.get()) {
      if (s < 0) {
        throw destroyedError();
      }
      if (state.compareAndSet(s, s + 1)) {
        break;
      }
    }
    AesGcm gcm = idleCiphers.poll();
    return gcm != null ? gcm : new AesGcm();
  }

  /**
   * Returns {@code gcm} to the pool; the last operation to finish after {@link #destroy()} zeroes
   * the key and scrubs the pool.
   */
  void releaseCipher(AesGcm gcm) {
    idleCiphers.offer(gcm);
    if (state.decrementAndGet() == DESTROYED) {
      zeroKeyAndScrubCiphers();
    }
  }

  /** The ciphers in the pool now; for tests. */
  List<AesGcm> idleCiphers() {
    return List.copyOf(idleCiphers);
  }

  /** Runs once: when destroyed with nothing in flight, nobody can acquire a cipher any more. */
  private void zeroKeyAndScrubCiphers() {
    wrappingKey.destroy();
    for (AesGcm gcm; (gcm = idleCiphers.poll()) != null; ) {
      gcm.scrub();
    }
  }

  private void checkNotDestroyed() {
    if (state.get() < 0) {
      throw destroyedError();
    }
  }

  private static IllegalStateException destroyedError() {
    return new IllegalStateException("keyring destroyed");
  }

  /**
   * Refuses all further work. The wrapping key is zeroed and the pooled ciphers scrubbed now, or,
   * if other threads are wrapping or unwrapping at this moment, as soon as the last of them
   * finishes.
   */
  @Override
  public void destroy() {
    int before = state.getAndUpdate(s -> s | DESTROYED);
    if (before == 0) {
      zeroKeyAndScrubCiphers();
    }
  }

  @Override
  public boolean isDestroyed() {
    return state.get() < 0;
  }

  @Override
  public String toString() {
    return "RawAesKeyring[namespace="
        + keyNamespace
        + ", name="
        + keyName
        + ", "
        + wrappingKeyLength * 8
        + "-bit key]";
  }

  /** Builds a {@link RawAesKeyring}. */
  public static final class Builder {
    private String keyNamespace;
    private String keyName;
    private byte[] wrappingKey;

    private Builder() {}

    /** The provider id written with each data key; must not be {@code aws-kms}. */
    public Builder keyNamespace(String keyNamespace) {
      this.keyNamespace = keyNamespace;
      return this;
    }

    /** Identifies the wrapping key within the namespace. */
    public Builder keyName(String keyName) {
      this.keyName = keyName;
      return this;
    }

    /** A 16, 24 or 32-byte AES key; the keyring keeps a copy, so the caller may zero its array. */
    public Builder wrappingKey(byte[] wrappingKey) {
      this.wrappingKey = wrappingKey.clone();
      return this;
    }

    public RawAesKeyring build() {
      Objects.requireNonNull(keyNamespace, "keyNamespace");
      Objects.requireNonNull(keyName, "keyName");
      Objects.requireNonNull(wrappingKey, "wrappingKey");
      if (keyNamespace.startsWith("aws-kms")) {
        throw new IllegalArgumentException("key namespace 'aws-kms' is reserved for KMS keyrings");
      }
      if (wrappingKey.length != 16 && wrappingKey.length != 24 && wrappingKey.length != 32) {
        throw new IllegalArgumentException(
            "wrapping key must be 16, 24 or 32 bytes (AES-128/192/256), got " + wrappingKey.length);
      }
      try {
        return new RawAesKeyring(this);
      } finally {
        Arrays.fill(wrappingKey, (byte) 0);
        wrappingKey = null;
      }
    }
  }
}
