package dev.envelope.keyring;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A keyring whose key-provider calls do not block the calling thread: the asynchronous side of
 * {@link Keyring}, with the same contract (generate or add an encrypted data key on encryption,
 * recover one on decryption) delivered through a future. {@code Envelope.encryptAsync} and {@code
 * decryptAsync} use it; a keyring that is only a {@link Keyring} is adapted with {@link
 * #of(Keyring)}, so the raw keyrings, whose work is local, need no change.
 *
 * <p><b>Ownership of the data key.</b> The future hands the materials, and with them the plaintext
 * data key, to its reader. If nobody will read them (the future was cancelled, timed out or
 * otherwise completed first), the implementation closes the materials it made, zeroing a data key
 * it generated or decrypted; a key-provider call still under way when the future is cancelled
 * should be cancelled too. A data key given in the input materials remains the caller's to close.
 *
 * <p>Implementations are thread-safe. A future may complete on any thread, such as the AWS SDK's
 * response threads; callers should not block in its callbacks.
 */
public interface AsyncKeyring {

  CompletableFuture<EncryptionMaterials> onEncryptAsync(EncryptionMaterials materials);

  CompletableFuture<DecryptionMaterials> onDecryptAsync(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys);

  /**
   * {@code keyring} itself if it is asynchronous, else an adapter that runs it on the calling
   * thread and returns a completed future: right for keyrings whose work is local (raw AES, raw
   * RSA). For a blocking keyring that calls a remote key provider, use {@link #of(Keyring,
   * Executor)}.
   */
  static AsyncKeyring of(Keyring keyring) {
    Objects.requireNonNull(keyring, "keyring");
    if (keyring instanceof AsyncKeyring async) {
      return async;
    }
    return new BlockingKeyringAdapter(keyring, null);
  }

  /**
   * An adapter that runs the blocking {@code keyring} on {@code executor}, so that its key-provider
   * calls occupy a thread of that executor rather than the caller's. Materials it produces after
   * the future was cancelled are closed.
   */
  static AsyncKeyring of(Keyring keyring, Executor executor) {
    return new BlockingKeyringAdapter(
        Objects.requireNonNull(keyring, "keyring"), Objects.requireNonNull(executor, "executor"));
  }
}
