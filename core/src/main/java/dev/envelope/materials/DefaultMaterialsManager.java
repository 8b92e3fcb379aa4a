package dev.envelope.materials;

import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.InvalidMessageException;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.crypto.Ecdsa;
import dev.envelope.internal.crypto.RandomSource;
import dev.envelope.internal.text.UntrustedText;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks a keyring for a data key on every message. For signed suites it generates the message's
 * ECDSA key pair and adds the public key to the encryption context under {@code
 * aws-crypto-public-key}.
 *
 * <p>On decryption, pairs of the caller's reproduced context that the header does not store join
 * the materials' context and required keys (as the ESDK's default CMM does), so that the header
 * authentication checks them; a reproduced pair whose value differs from the stored one is refused.
 */
public final class DefaultMaterialsManager implements MaterialsManager {
  private final Keyring keyring;

  public DefaultMaterialsManager(Keyring keyring) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
  }

  public Keyring keyring() {
    return keyring;
  }

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionRequest request) {
    Map<String, String> context = request.encryptionContext();
    EncryptionMaterials initial;
    if (request.suite().isSigned()) {
      if (context.containsKey(Ecdsa.PUBLIC_KEY_CONTEXT_KEY)) {
        throw new IllegalArgumentException(
            "encryption context already has " + Ecdsa.PUBLIC_KEY_CONTEXT_KEY);
      }
      KeyPair pair = Ecdsa.generateKeyPair(request.suite(), RandomSource.get());
      Map<String, String> withKey = new HashMap<>(context);
      withKey.put(Ecdsa.PUBLIC_KEY_CONTEXT_KEY, Ecdsa.encodePublicKey(pair.getPublic()));
      initial = EncryptionMaterials.of(request.suite(), withKey, pair.getPrivate());
    } else {
      initial = EncryptionMaterials.of(request.suite(), context, null);
    }
    initial = initial.withRequiredEncryptionContextKeys(request.requiredEncryptionContextKeys());
    EncryptionMaterials result = keyring.onEncrypt(initial);
    if (!result.hasDataKey() || result.encryptedDataKeys().isEmpty()) {
      result.close();
      throw new IllegalStateException(
          "keyring "
              + keyring.getClass().getSimpleName()
              + " produced no data key: configure a generator keyring");
    }
    return result;
  }

  @Override
  public DecryptionMaterials decryptMaterials(DecryptionRequest request) {
    PublicKey verificationKey = null;
    if (request.suite().isSigned()) {
      String encoded = request.encryptionContext().get(Ecdsa.PUBLIC_KEY_CONTEXT_KEY);
      if (encoded == null) {
        throw new InvalidMessageException(
            "signed message has no " + Ecdsa.PUBLIC_KEY_CONTEXT_KEY + " in its encryption context");
      }
      try {
        verificationKey = Ecdsa.decodePublicKey(request.suite(), encoded);
      } catch (IllegalArgumentException e) {
        throw new InvalidMessageException(
            "signed message carries an invalid public key: "
                + UntrustedText.printable(e.getMessage(), UntrustedText.MAX_CHARS));
      }
    } else if (request.encryptionContext().containsKey(Ecdsa.PUBLIC_KEY_CONTEXT_KEY)) {
      throw new InvalidMessageException(
          "unsigned message carries a public key in its encryption context");
    }
    Map<String, String> stored = request.encryptionContext();
    Map<String, String> full = stored;
    Set<String> differing = new HashSet<>();
    Set<String> onlyReproduced = new HashSet<>();
    for (Map.Entry<String, String> e : request.reproducedEncryptionContext().entrySet()) {
      String value = stored.get(e.getKey());
      if (value == null) {
        if (full == stored) {
          full = new HashMap<>(stored);
        }
        onlyReproduced.add(e.getKey());
        full.put(e.getKey(), e.getValue());
      } else if (!value.equals(e.getValue())) {
        differing.add(e.getKey());
      }
    }
    if (!differing.isEmpty()) {
      throw new EncryptionContextMismatchException(differing);
    }
    DecryptionMaterials initial =
        DecryptionMaterials.of(request.suite(), full, verificationKey)
            .withRequiredEncryptionContextKeys(onlyReproduced);
    DecryptionMaterials result = keyring.onDecrypt(initial, request.encryptedDataKeys());
    if (!result.hasDataKey()) {
      TreeSet<String> providers = new TreeSet<>();
      for (EncryptedDataKey edk : request.encryptedDataKeys()) {
        providers.add(edk.providerId());
      }
      throw new NoUsableDataKeyException(
          "none of the message's "
              + request.encryptedDataKeys().size()
              + " encrypted data key(s) (providers "
              + UntrustedText.list(providers)
              + ") could be decrypted by "
              + keyring
              + ": the message was encrypted under keys this keyring does not have or may not use");
    }
    return result;
  }
}
