package dev.envelope.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoMaterialsManager;
import com.amazonaws.encryptionsdk.jce.JceMasterKey;
import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.cryptography.materialproviders.IKeyring;

/**
 * One implementation's one-shot record encryption, so that every record benchmark runs the same
 * method body for each {@code impl} parameter and the report can pair results that differ only in
 * {@code impl}.
 */
public interface RecordCodec {
  /** The {@code impl} parameter values: ours, the official ESDK, and the raw AES-GCM ceiling. */
  String ENVELOPE = "envelope";

  String ESDK = "esdk";

  /**
   * The official ESDK's other path for the same scenario: in {@link RecordBenchmark} the legacy
   * {@code JceMasterKey} master key provider (where {@code esdk} is the Material Providers
   * Library's raw AES keyring).
   */
  String ESDK_MASTER_KEY = "esdk-masterkey";

  /**
   * In {@link CachedRecordBenchmark}: the Material Providers Library's raw AES keyring, which has
   * no cache (MPL 1.7 has no caching materials manager), next to {@code esdk}, the {@code
   * JceMasterKey} caching CMM. It is the best an ESDK user of keyrings gets.
   */
  String ESDK_KEYRING = "esdk-keyring";

  String JCE = "jce";

  byte[] encrypt(byte[] plaintext);

  byte[] decrypt(byte[] message);

  /** Envelope or ESDK, with or without their data-key caches; {@code jce} only uncached. */
  static RecordCodec create(String impl, AlgorithmSuite suite, boolean cached) {
    int frameSize = Envelope.DEFAULT_FRAME_SIZE;
    return switch (impl) {
      case ENVELOPE ->
          new EnvelopeCodec(
              cached
                  ? Fixtures.cachedEnvelope(suite, frameSize)
                  : Fixtures.envelope(suite, frameSize));
      case ESDK ->
          cached
              ? new EsdkCachedCodec(Fixtures.esdk(suite, frameSize), Fixtures.esdkCachingCmm())
              : new EsdkCodec(Fixtures.esdk(suite, frameSize), Fixtures.esdkKeyring());
      case ESDK_MASTER_KEY ->
          new EsdkMasterKeyCodec(Fixtures.esdk(suite, frameSize), Fixtures.esdkMasterKey());
      case ESDK_KEYRING -> new EsdkCodec(Fixtures.esdk(suite, frameSize), Fixtures.esdkKeyring());
      case JCE -> {
        if (cached) {
          throw new IllegalArgumentException("raw AES-GCM has no data key to cache");
        }
        yield new JceGcmCodec();
      }
      default -> throw new IllegalArgumentException("unknown impl " + impl);
    };
  }

  record EnvelopeCodec(Envelope envelope) implements RecordCodec {
    @Override
    public byte[] encrypt(byte[] plaintext) {
      return envelope.encrypt(plaintext, Fixtures.CONTEXT);
    }

    @Override
    public byte[] decrypt(byte[] message) {
      return envelope.decrypt(message, Fixtures.CONTEXT).plaintext();
    }
  }

  /**
   * The ESDK with the Material Providers Library's raw AES keyring (its recommended, uncached
   * path).
   */
  record EsdkCodec(AwsCrypto crypto, IKeyring keyring) implements RecordCodec {
    @Override
    public byte[] encrypt(byte[] plaintext) {
      return crypto.encryptData(keyring, plaintext, Fixtures.CONTEXT).getResult();
    }

    @Override
    public byte[] decrypt(byte[] message) {
      return crypto.decryptData(keyring, message).getResult();
    }
  }

  /** The ESDK with a {@code JceMasterKey} as master key provider, no cache. */
  record EsdkMasterKeyCodec(AwsCrypto crypto, JceMasterKey masterKey) implements RecordCodec {
    @Override
    public byte[] encrypt(byte[] plaintext) {
      return crypto.encryptData(masterKey, plaintext, Fixtures.CONTEXT).getResult();
    }

    @Override
    public byte[] decrypt(byte[] message) {
      return crypto.decryptData(masterKey, message).getResult();
    }
  }

  record EsdkCachedCodec(AwsCrypto crypto, CryptoMaterialsManager cmm) implements RecordCodec {
    @Override
    public byte[] encrypt(byte[] plaintext) {
      return crypto.encryptData(cmm, plaintext, Fixtures.CONTEXT).getResult();
    }

    @Override
    public byte[] decrypt(byte[] message) {
      return crypto.decryptData(cmm, message).getResult();
    }
  }

  /**
   * The ceiling: one AES-256-GCM operation over the record with a fresh IV and no header, key
   * derivation or key wrapping; encryption is fed to the cipher in 64 KiB pieces (DESIGN.md: the
   * JDK 17 large-doFinal trap), decryption in one {@code doFinal}, the fastest way for GCM
   * decryption on JDK 17. The "message" is IV followed by ciphertext. Not thread-safe: one per
   * benchmark thread.
   */
  final class JceGcmCodec implements RecordCodec {
    private static final int IV_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final int PIECE = 64 * 1024;
    private final SecretKeySpec key = new SecretKeySpec(Fixtures.rawKey(), "AES");
    private final SecureRandom random = new SecureRandom();
    private final Cipher cipher;

    JceGcmCodec() {
      try {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public byte[] encrypt(byte[] plaintext) {
      byte[] out = new byte[IV_LENGTH + plaintext.length + TAG_BITS / 8];
      byte[] iv = new byte[IV_LENGTH];
      random.nextBytes(iv);
      System.arraycopy(iv, 0, out, 0, IV_LENGTH);
      return run(Cipher.ENCRYPT_MODE, iv, plaintext, 0, plaintext.length, out, IV_LENGTH);
    }

    @Override
    public byte[] decrypt(byte[] message) {
      byte[] iv = java.util.Arrays.copyOf(message, IV_LENGTH);
      byte[] out = new byte[message.length - IV_LENGTH - TAG_BITS / 8];
      return run(Cipher.DECRYPT_MODE, iv, message, IV_LENGTH, message.length - IV_LENGTH, out, 0);
    }

    private byte[] run(
        int mode, byte[] iv, byte[] in, int offset, int length, byte[] out, int outOffset) {
      try {
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        if (mode == Cipher.DECRYPT_MODE) {
          // JCE holds GCM decryption input until the tag is checked; pieces would only add a copy
          // and, above 64 KiB on JDK 17, the slow path. One doFinal is the fastest raw decryption.
          cipher.doFinal(in, offset, length, out, outOffset);
          return out;
        }
        int pos = offset;
        int end = offset + length;
        int written = outOffset;
        while (end - pos > PIECE) {
          written += cipher.update(in, pos, PIECE, out, written);
          pos += PIECE;
        }
        cipher.doFinal(in, pos, end - pos, out, written);
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
