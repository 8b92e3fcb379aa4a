package dev.envelope.materials;

import dev.envelope.EncryptionContextMismatchException;
import dev.envelope.Envelope;
import dev.envelope.internal.async.Futures;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Makes chosen encryption context keys <em>required</em>, as the AWS Encryption SDK's Required
 * Encryption Context CMM does: their pairs are bound to the data key and authenticated by the
 * message header, but not stored in the message, so only a reader who supplies them again (to
 * {@code Envelope.decrypt(message, context)} or {@code decryptingStream(source, context)}) can
 * decrypt. Use it for context values that must not sit in the clear next to the data, or to force
 * readers to state what they expect.
 *
 * <pre>{@code
 * MaterialsManager manager = RequiredEncryptionContextMaterialsManager.builder()
 *     .keyring(keyring).requiredKeys(Set.of("tenant")).build();
 * Envelope envelope = Envelope.builder().materialsManager(manager).build();
 * byte[] message = envelope.encrypt(data, Map.of("tenant", "acme", "purpose", "invoice"));  // stores only purpose
 * envelope.decrypt(message, Map.of("tenant", "acme", "purpose", "invoice"));
 * }</pre>
 *
 * <p>Encryption fails unless the context holds every required key; decryption fails with an {@link
 * EncryptionContextMismatchException} unless the reproduced context does. Any reader holding the
 * keys can decrypt such messages when given the pairs, with or without this manager: the default
 * manager authenticates every reproduced pair the header does not store.
 */
public final class RequiredEncryptionContextMaterialsManager
    implements MaterialsManager, AsyncMaterialsManager {
  private final MaterialsManager underlying;
  private final Set<String> requiredKeys;

  private RequiredEncryptionContextMaterialsManager(
      MaterialsManager underlying, Set<String> requiredKeys) {
    this.underlying = underlying;
    this.requiredKeys = requiredKeys;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Set<String> requiredKeys() {
    return requiredKeys;
  }

  public MaterialsManager underlying() {
    return underlying;
  }

  @Override
  public EncryptionMaterials getEncryptionMaterials(EncryptionRequest request) {
    checkRequest(request);
    return checkEncrypted(
        underlying.getEncryptionMaterials(request.withRequiredEncryptionContextKeys(requiredKeys)));
  }

  @Override
  public CompletableFuture<EncryptionMaterials> getEncryptionMaterialsAsync(
      EncryptionRequest request) {
    return Futures.then(
        Futures.start(
            () -> {
              checkRequest(request);
              return AsyncMaterialsManager.of(underlying)
                  .getEncryptionMaterialsAsync(
                      request.withRequiredEncryptionContextKeys(requiredKeys));
            }),
        this::checkEncrypted);
  }

  private void checkRequest(EncryptionRequest request) {
    Set<String> missing = missingFrom(request.encryptionContext().keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "the encryption context lacks required key(s) "
              + missing
              + "; this materials manager requires "
              + new TreeSet<>(requiredKeys));
    }
  }

  private EncryptionMaterials checkEncrypted(EncryptionMaterials materials) {
    if (!materials.requiredEncryptionContextKeys().containsAll(requiredKeys)) {
      materials.close();
      throw new IllegalStateException(
          "the underlying materials manager dropped required encryption context"
              + " keys; it must pass EncryptionRequest.requiredEncryptionContextKeys() on to the materials");
    }
    return materials;
  }

  @Override
  public DecryptionMaterials decryptMaterials(DecryptionRequest request) {
    checkRequest(request);
    return checkDecrypted(underlying.decryptMaterials(request));
  }

  @Override
  public CompletableFuture<DecryptionMaterials> decryptMaterialsAsync(DecryptionRequest request) {
    return Futures.then(
        Futures.start(
            () -> {
              checkRequest(request);
              return AsyncMaterialsManager.of(underlying).decryptMaterialsAsync(request);
            }),
        this::checkDecrypted);
  }

  private void checkRequest(DecryptionRequest request) {
    Set<String> missing = missingFrom(request.reproducedEncryptionContext().keySet());
    if (!missing.isEmpty()) {
      // Checked before any key provider call: without the pairs the message cannot authenticate
      // anyway.
      throw new EncryptionContextMismatchException(missing);
    }
  }

  private DecryptionMaterials checkDecrypted(DecryptionMaterials materials) {
    if (!materials.encryptionContext().keySet().containsAll(requiredKeys)) {
      materials.close();
      throw new IllegalStateException(
          "the underlying materials manager removed required encryption context"
              + " keys from the decryption materials; they would not be authenticated");
    }
    return materials;
  }

  private Set<String> missingFrom(Set<String> present) {
    Set<String> missing = new TreeSet<>(requiredKeys);
    missing.removeAll(present);
    return missing;
  }

  @Override
  public String toString() {
    return "RequiredEncryptionContextMaterialsManager[requiredKeys="
        + new TreeSet<>(requiredKeys)
        + ", underlying="
        + underlying
        + "]";
  }

  /**
   * Builds a {@link RequiredEncryptionContextMaterialsManager}: one of keyring or materials
   * manager, and keys.
   */
  public static final class Builder {
    private Keyring keyring;
    private MaterialsManager materialsManager;
    private Set<String> requiredKeys;

    private Builder() {}

    /** Wraps the keyring in a {@link DefaultMaterialsManager}. */
    public Builder keyring(Keyring keyring) {
      this.keyring = keyring;
      return this;
    }

    /** The manager that supplies the data keys (for example a {@link CachingMaterialsManager}). */
    public Builder materialsManager(MaterialsManager materialsManager) {
      this.materialsManager = materialsManager;
      return this;
    }

    /** The context keys to authenticate without storing; at least one, none reserved. */
    public Builder requiredKeys(Set<String> requiredKeys) {
      this.requiredKeys = Set.copyOf(requiredKeys);
      return this;
    }

    public RequiredEncryptionContextMaterialsManager build() {
      if ((keyring == null) == (materialsManager == null)) {
        throw new IllegalStateException(
            "configure exactly one of keyring(...) and materialsManager(...)");
      }
      Objects.requireNonNull(requiredKeys, "requiredKeys");
      if (requiredKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "requiredKeys must name at least one encryption context key");
      }
      for (String key : requiredKeys) {
        if (key.isEmpty() || key.startsWith(Envelope.RESERVED_CONTEXT_PREFIX)) {
          throw new IllegalArgumentException(
              "required key '"
                  + key
                  + "' is empty or uses the reserved prefix "
                  + Envelope.RESERVED_CONTEXT_PREFIX);
        }
      }
      MaterialsManager underlying =
          materialsManager != null ? materialsManager : new DefaultMaterialsManager(keyring);
      return new RequiredEncryptionContextMaterialsManager(underlying, requiredKeys);
    }
  }
}
