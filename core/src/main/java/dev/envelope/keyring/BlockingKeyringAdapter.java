package dev.envelope.keyring;

import dev.envelope.internal.async.Futures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Runs a blocking keyring inline or on an executor; closes what it made if nobody reads it. */
final class BlockingKeyringAdapter implements AsyncKeyring {
  private final Keyring keyring;
  private final Executor executor;

  BlockingKeyringAdapter(Keyring keyring, Executor executor) {
    this.keyring = keyring;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<EncryptionMaterials> onEncryptAsync(EncryptionMaterials materials) {
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    run(
        result,
        () -> {
          if (result.isDone()) {
            return; // cancelled before it started: no key-provider call at all
          }
          boolean hadKey = materials.hasDataKey();
          EncryptionMaterials out = keyring.onEncrypt(materials);
          if (!result.complete(out) && !hadKey) {
            out.close(); // generated for a reader who is gone
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<DecryptionMaterials> onDecryptAsync(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    CompletableFuture<DecryptionMaterials> result = new CompletableFuture<>();
    run(
        result,
        () -> {
          if (result.isDone()) {
            return;
          }
          DecryptionMaterials out = keyring.onDecrypt(materials, encryptedDataKeys);
          if (out != materials) {
            Futures.deliver(result, out);
          } else {
            result.complete(out);
          }
        });
    return result;
  }

  private void run(CompletableFuture<?> result, Runnable work) {
    Runnable guarded =
        () -> {
          try {
            work.run();
          } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
          }
        };
    if (executor == null) {
      guarded.run();
    } else {
      try {
        executor.execute(guarded);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
  }

  @Override
  public String toString() {
    return keyring.toString();
  }
}
