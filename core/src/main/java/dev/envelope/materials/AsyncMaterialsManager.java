package dev.envelope.materials;

import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptionMaterials;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous side of {@link MaterialsManager}, what {@code Envelope.encryptAsync} and {@code
 * decryptAsync} call. The default, caching and required-context managers implement it, reaching
 * their keyring through {@link dev.envelope.keyring.AsyncKeyring}; any other manager is adapted
 * with {@link #of(MaterialsManager)}.
 *
 * <p>As with {@link MaterialsManager}, the reader of the future owns the materials and closes them.
 * If the future is cancelled or completed otherwise before the materials are ready, the
 * implementation closes them itself, so a plaintext data key never outlives its last reader.
 */
public interface AsyncMaterialsManager {

  CompletableFuture<EncryptionMaterials> getEncryptionMaterialsAsync(EncryptionRequest request);

  CompletableFuture<DecryptionMaterials> decryptMaterialsAsync(DecryptionRequest request);

  /**
   * {@code manager} itself if it is asynchronous, else an adapter that calls it on the calling
   * thread and returns a completed future.
   */
  static AsyncMaterialsManager of(MaterialsManager manager) {
    Objects.requireNonNull(manager, "manager");
    if (manager instanceof AsyncMaterialsManager async) {
      return async;
    }
    return new BlockingManagerAdapter(manager);
  }
}
