package dev.envelope.samples.support;

import dev.envelope.aws.KmsKeyProviderException;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import java.util.List;

/**
 * Development only: a KMS keyring for the in-process local KMS plus an escrow copy of every data key,
 * wrapped under a key kept in the Envelope home directory.
 *
 * <p>Why: the local KMS holds its key material in memory only, so each CLI run starts a KMS whose keys
 * have the same ids and aliases (from the persisted config) but fresh material. A data key that an
 * earlier run's KMS encrypted comes back from this run's KMS as {@code InvalidCiphertextException}.
 * Only then is the escrow copy unwrapped. Every other KMS answer stands: an access denial, a disabled
 * key or a context mismatch is not bypassed, and a message whose KMS data key is not for the configured
 * key is not opened through the escrow either.
 *
 * <p>Real AWS KMS keeps its key material, so the CLI never escrows with {@code --aws}.
 */
public final class EscrowFallbackKeyring implements Keyring {
  private static final String INVALID_CIPHERTEXT = "InvalidCiphertextException";

  private final Keyring kms;
  private final RawAesKeyring escrow;
  private final MultiKeyring encryptor;

  public EscrowFallbackKeyring(Keyring kms, RawAesKeyring escrow) {
    this.kms = kms;
    this.escrow = escrow;
    this.encryptor = MultiKeyring.of(kms, escrow);
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    return encryptor.onEncrypt(materials);
  }

  @Override
  public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    try {
      return kms.onDecrypt(materials, encryptedDataKeys);
    } catch (KmsKeyProviderException e) {
      if (!INVALID_CIPHERTEXT.equals(e.errorCode().orElse(null))) {
        throw e;
      }
      DecryptionMaterials recovered = escrow.onDecrypt(materials, encryptedDataKeys);
      if (!recovered.hasDataKey()) {
        throw e;
      }
      return recovered;
    }
  }

  @Override
  public String toString() {
    return "EscrowFallbackKeyring[" + kms + ", escrow=" + escrow + "]";
  }
}
