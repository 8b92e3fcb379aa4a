package dev.envelope.keyring;

import java.util.List;

/**
 * Generates, wraps and unwraps data keys with one kind of key provider. Implementations are
 * immutable and thread-safe.
 *
 * <p>A keyring used for encryption either generates the data key (when the materials have none) and
 * adds its encrypted form, or encrypts the existing data key once more. On decryption it tries the
 * encrypted data keys it recognises and returns materials holding the first it can decrypt; it
 * returns the materials unchanged when it recognises none and throws a {@link
 * dev.envelope.KeyProviderException} when its provider fails.
 *
 * <p>{@code toString} names the keys (or discovery scope) the keyring would use and nothing secret:
 * errors show it to say which keyring found no usable data key.
 */
public interface Keyring {

  EncryptionMaterials onEncrypt(EncryptionMaterials materials);

  DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys);
}
