package dev.envelope.keyring;

import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.crypto.RandomSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Wraps data keys with an RSA key pair you hold, compatible with the AWS Encryption SDK's raw RSA
 * keyring and its {@code JceMasterKey} with an RSA transformation.
 *
 * <p>The encrypted data key's provider id is the key namespace, its provider info is the key name
 * (UTF-8) and its ciphertext is the RSA encryption of the data key. RSA does not bind the
 * encryption context to the wrapped key; the message's header authentication does.
 *
 * <p>A keyring with only a public key encrypts (a writer that must not read), one with only a
 * private key decrypts, one with both does both. Immutable and thread-safe. The JCE key objects
 * cannot be zeroed; the keyring holds them as given.
 */
public final class RawRsaKeyring implements Keyring {
  /** Smallest modulus accepted for encrypting new data keys. */
  public static final int MIN_ENCRYPTING_MODULUS_BITS = 2048;

  /** Largest data key any suite uses; the padding must leave room for it. */
  private static final int MAX_DATA_KEY_LENGTH = 32;

  /**
   * RSA padding schemes of the raw RSA keyring specification; OAEP uses MGF1 with the same hash.
   */
  public enum Padding {
    PKCS1(null, null),
    OAEP_SHA1_MGF1("SHA-1", MGF1ParameterSpec.SHA1),
    OAEP_SHA256_MGF1("SHA-256", MGF1ParameterSpec.SHA256),
    OAEP_SHA384_MGF1("SHA-384", MGF1ParameterSpec.SHA384),
    OAEP_SHA512_MGF1("SHA-512", MGF1ParameterSpec.SHA512);

    private final String hash;
    private final MGF1ParameterSpec mgf1;

    Padding(String hash, MGF1ParameterSpec mgf1) {
      this.hash = hash;
      this.mgf1 = mgf1;
    }

    String transformation() {
      return this == PKCS1 ? "RSA/ECB/PKCS1Padding" : "RSA/ECB/OAEPPadding";
    }

    /**
     * OAEP parameters spelled out, since the JCE's named OAEP transformations default MGF1 to
     * SHA-1.
     */
    AlgorithmParameterSpec parameters() {
      return mgf1 == null
          ? null
          : new OAEPParameterSpec(hash, "MGF1", mgf1, PSource.PSpecified.DEFAULT);
    }

    /** Longest plaintext this padding fits in a modulus of {@code modulusBytes}. */
    int capacity(int modulusBytes) {
      if (mgf1 == null) {
        return modulusBytes - 11;
      }
      int hashLength =
          switch (this) {
            case OAEP_SHA1_MGF1 -> 20;
            case OAEP_SHA256_MGF1 -> 32;
            case OAEP_SHA384_MGF1 -> 48;
            default -> 64;
          };
      return modulusBytes - 2 * hashLength - 2;
    }
  }

  private final String keyNamespace;
  private final String keyName;
  private final byte[] keyNameBytes;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  private final Padding padding;
  private final int modulusBits;

  private RawRsaKeyring(Builder b, int modulusBits) {
    this.keyNamespace = b.keyNamespace;
    this.keyName = b.keyName;
    this.keyNameBytes = b.keyName.getBytes(StandardCharsets.UTF_8);
    this.publicKey = b.publicKey;
    this.privateKey = b.privateKey;
    this.padding = b.padding;
    this.modulusBits = modulusBits;
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

  public Padding padding() {
    return padding;
  }

  public boolean canEncrypt() {
    return publicKey != null;
  }

  public boolean canDecrypt() {
    return privateKey != null;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    if (publicKey == null) {
      throw new IllegalStateException(
          this + " has only a private key and cannot encrypt; give it the public key");
    }
    if (materials.hasDataKey()) {
      return materials.withEncryptedDataKey(wrap(materials.dataKey()));
    }
    byte[] fresh = new byte[materials.suite().dataKeyLength()];
    RandomSource.get().nextBytes(fresh);
    DataKey dataKey = DataKey.wrap(fresh);
    try {
      return materials.withGeneratedDataKey(dataKey, wrap(dataKey));
    } catch (RuntimeException e) {
      dataKey.destroy();
      throw e;
    }
  }

  private EncryptedDataKey wrap(DataKey dataKey) {
    try {
      Cipher cipher = Cipher.getInstance(padding.transformation());
      cipher.init(Cipher.ENCRYPT_MODE, publicKey, padding.parameters(), RandomSource.get());
      return new EncryptedDataKey(
          keyNamespace, keyNameBytes.clone(), cipher.doFinal(dataKey.bytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA wrapping with " + padding + " failed in the JCE", e);
    }
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      // The raw RSA keyring specification requires failing rather than passing the materials
      // through.
      throw new IllegalStateException("decryption materials already hold a data key");
    }
    boolean recognised = false;
    for (EncryptedDataKey edk : encryptedDataKeys) {
      if (!edk.providerId().equals(keyNamespace)
          || !Arrays.equals(edk.providerInfo(), keyNameBytes)) {
        continue;
      }
      recognised = true;
      if (privateKey == null) {
        break;
      }
      byte[] key = unwrap(edk.ciphertext());
      if (key == null) {
        continue;
      }
      if (key.length != materials.suite().dataKeyLength()) {
        Arrays.fill(key, (byte) 0);
        continue;
      }
      return materials.withDataKey(DataKey.wrap(key));
    }
    if (!recognised) {
      return materials;
    }
    if (privateKey == null) {
      throw new NoUsableDataKeyException(
          "the message has a data key for "
              + this
              + ", but this keyring has only"
              + " the public key and cannot decrypt: give it the private key");
    }
    throw new NoUsableDataKeyException(
        "the message has a data key for "
            + this
            + ", but it does not decrypt"
            + " with this private key and padding "
            + padding
            + ": the key pair or the padding differs from the ones"
            + " it was encrypted with");
  }

  /** The RSA plaintext, or null if this key and padding do not decrypt it. */
  private byte[] unwrap(byte[] ciphertext) {
    try {
      Cipher cipher = Cipher.getInstance(padding.transformation());
      cipher.init(Cipher.DECRYPT_MODE, privateKey, padding.parameters());
      return cipher.doFinal(ciphertext);
    } catch (BadPaddingException | IllegalBlockSizeException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA unwrapping with " + padding + " failed in the JCE", e);
    }
  }

  @Override
  public String toString() {
    return "RawRsaKeyring[namespace="
        + keyNamespace
        + ", name="
        + keyName
        + ", "
        + modulusBits
        + "-bit, "
        + padding
        + ", "
        + (publicKey != null && privateKey != null
            ? "encrypt+decrypt"
            : publicKey != null ? "encrypt only" : "decrypt only")
        + "]";
  }

  /** Builds a {@link RawRsaKeyring}. Namespace, name, padding and at least one key are required. */
  public static final class Builder {
    private String keyNamespace;
    private String keyName;
    private PublicKey publicKey;
    private PrivateKey privateKey;
    private Padding padding;

    private Builder() {}

    /** The provider id written with each data key; must not start with {@code aws-kms}. */
    public Builder keyNamespace(String keyNamespace) {
      this.keyNamespace = keyNamespace;
      return this;
    }

    /** Identifies the key pair within the namespace; written as the provider info. */
    public Builder keyName(String keyName) {
      this.keyName = keyName;
      return this;
    }

    /** The RSA public key that encrypts data keys; without it the keyring only decrypts. */
    public Builder publicKey(PublicKey publicKey) {
      this.publicKey = publicKey;
      return this;
    }

    /** The RSA private key that decrypts data keys; without it the keyring only encrypts. */
    public Builder privateKey(PrivateKey privateKey) {
      this.privateKey = privateKey;
      return this;
    }

    /** The padding scheme; must be the one the data keys were (or will be) encrypted with. */
    public Builder padding(Padding padding) {
      this.padding = padding;
      return this;
    }

    public RawRsaKeyring build() {
      Objects.requireNonNull(keyNamespace, "keyNamespace");
      Objects.requireNonNull(keyName, "keyName");
      Objects.requireNonNull(padding, "padding");
      if (keyNamespace.startsWith("aws-kms")) {
        throw new IllegalArgumentException("key namespace 'aws-kms' is reserved for KMS keyrings");
      }
      if (publicKey == null && privateKey == null) {
        throw new IllegalStateException(
            "configure publicKey(...) to encrypt, privateKey(...) to decrypt, or both");
      }
      int bits = 0;
      if (publicKey != null) {
        bits = modulusBits(publicKey, "public");
        if (bits < MIN_ENCRYPTING_MODULUS_BITS) {
          throw new IllegalArgumentException(
              "RSA public key of "
                  + bits
                  + " bits is too small to protect new data"
                  + " keys; use at least "
                  + MIN_ENCRYPTING_MODULUS_BITS
                  + " bits");
        }
      }
      if (privateKey != null) {
        int privateBits = modulusBits(privateKey, "private");
        if (publicKey != null
            && !((RSAKey) publicKey).getModulus().equals(((RSAKey) privateKey).getModulus())) {
          throw new IllegalArgumentException(
              "the public and private keys are not one RSA key pair");
        }
        bits = privateBits;
      }
      if (padding.capacity((bits + 7) / 8) < MAX_DATA_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "a "
                + bits
                + "-bit RSA key is too small for padding "
                + padding
                + " to carry a "
                + MAX_DATA_KEY_LENGTH
                + "-byte data key");
      }
      checkUsable();
      return new RawRsaKeyring(this, bits);
    }

    private static int modulusBits(java.security.Key key, String which) {
      if (!(key instanceof RSAKey rsa) || !"RSA".equalsIgnoreCase(key.getAlgorithm())) {
        throw new IllegalArgumentException(
            "the " + which + " key is not an RSA key (algorithm " + key.getAlgorithm() + ")");
      }
      return rsa.getModulus().bitLength();
    }

    /** Fails now, not on the first message, if the JCE refuses a key with this padding. */
    private void checkUsable() {
      try {
        if (publicKey != null) {
          Cipher.getInstance(padding.transformation())
              .init(Cipher.ENCRYPT_MODE, publicKey, padding.parameters(), RandomSource.get());
        }
        if (privateKey != null) {
          Cipher.getInstance(padding.transformation())
              .init(Cipher.DECRYPT_MODE, privateKey, padding.parameters());
        }
      } catch (InvalidKeyException e) {
        throw new IllegalArgumentException(
            "the JCE cannot use this RSA key with padding " + padding, e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JCE does not offer RSA with padding " + padding, e);
      }
    }
  }
}
