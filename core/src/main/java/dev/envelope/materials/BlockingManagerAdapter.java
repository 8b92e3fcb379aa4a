package dev.envelope.materials;

import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptionMaterials;
import java.util.concurrent.CompletableFuture;

/** Runs a blocking materials manager on the calling thread, for the asynchronous API. */
final class BlockingManagerAdapter implements AsyncMaterialsManager {
  private final MaterialsManager manager;

  BlockingManagerAdapter(MaterialsManager manager) {
    this.manager = manager;
  }

  @Override
  public CompletableFuture<EncryptionMaterials> getEncryptionMaterialsAsync(
      EncryptionRequest request) {
    try {
      return CompletableFuture.completedFuture(manager.getEncryptionMaterials(request));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<DecryptionMaterials> decryptMaterialsAsync(DecryptionRequest request) {
    try {
      return CompletableFuture.completedFuture(manager.decryptMaterials(request));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return manager.toString();
  }
}
