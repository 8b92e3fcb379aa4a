package dev.envelope.materials;

import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptionMaterials;

/**
 * Supplies the materials for each message: what {@link dev.envelope.Envelope} calls to get a data
 * key to encrypt with and to recover one to decrypt with. The default one asks a keyring each time;
 * a caching one reuses data keys within bounds. Implementations are thread-safe.
 *
 * <p>The caller owns the returned materials and closes them when the message is done, which zeroes
 * the data key; an implementation that keeps a key returns materials holding a copy.
 */
public interface MaterialsManager {

  EncryptionMaterials getEncryptionMaterials(EncryptionRequest request);

  DecryptionMaterials decryptMaterials(DecryptionRequest request);
}
