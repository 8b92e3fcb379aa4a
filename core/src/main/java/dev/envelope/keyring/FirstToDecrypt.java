package dev.envelope.keyring;

import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.async.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One decryption through a multi-keyring's keyrings, at most {@code limit} at once, in configured
 * order: the first to recover the data key completes the result and the others are cancelled; a key
 * recovered after that is zeroed. Key-provider failures are collected in configured order and
 * reported together if none succeeds; any other exception fails the decryption at once, as in the
 * sequential path.
 */
final class FirstToDecrypt {
  private final List<Keyring> keyrings;
  private final int limit;
  private final DecryptionMaterials materials;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final CompletableFuture<DecryptionMaterials> result = new CompletableFuture<>();
  private final List<CompletableFuture<DecryptionMaterials>> started = new ArrayList<>();
  private final TreeMap<Integer, Throwable> failures = new TreeMap<>();
  private int next;
  private int running;

  FirstToDecrypt(
      List<Keyring> keyrings,
      int limit,
      DecryptionMaterials materials,
      List<EncryptedDataKey> encryptedDataKeys) {
    this.keyrings = keyrings;
    this.limit = limit;
    this.materials = materials;
    this.encryptedDataKeys = encryptedDataKeys;
  }

  CompletableFuture<DecryptionMaterials> start() {
    result.whenComplete((v, e) -> cancelAll());
    launch();
    return result;
  }

  /** Starts keyrings in order while fewer than {@code limit} run; finishes when none is left. */
  private void launch() {
    List<Integer> toStart = new ArrayList<>();
    boolean finished = false;
    synchronized (this) {
      while (running < limit && next < keyrings.size() && !result.isDone()) {
        toStart.add(next++);
        running++;
      }
      if (running == 0 && next == keyrings.size()) {
        finished = true;
      }
    }
    if (finished) {
      finish();
      return;
    }
    for (int index : toStart) {
      CompletableFuture<DecryptionMaterials> attempt =
          Futures.start(
              () ->
                  AsyncKeyring.of(keyrings.get(index))
                      .onDecryptAsync(materials, encryptedDataKeys));
      synchronized (this) {
        started.add(attempt);
      }
      if (result.isDone()) {
        attempt.cancel(false);
      }
      attempt.whenComplete((m, failure) -> done(index, m, failure));
    }
  }

  private void done(int index, DecryptionMaterials recovered, Throwable failure) {
    if (failure != null) {
      Throwable cause = Futures.unwrap(failure);
      if (cause instanceof KeyProviderException || cause instanceof NoUsableDataKeyException) {
        synchronized (this) {
          failures.put(index, cause);
        }
      } else if (!result.isDone()) {
        result.completeExceptionally(cause);
      }
    } else if (recovered != materials && recovered.hasDataKey()) {
      if (!result.complete(recovered)) {
        recovered.close(); // another keyring won, or the caller gave up: zero this copy
      }
    }
    synchronized (this) {
      running--;
    }
    if (!result.isDone()) {
      launch();
    }
  }

  private void finish() {
    List<Throwable> inOrder;
    synchronized (this) {
      inOrder = new ArrayList<>(failures.values());
    }
    if (inOrder.isEmpty()) {
      result.complete(materials);
    } else {
      result.completeExceptionally(MultiKeyring.noneDecrypted(encryptedDataKeys.size(), inOrder));
    }
  }

  private void cancelAll() {
    List<CompletableFuture<DecryptionMaterials>> all;
    synchronized (this) {
      all = new ArrayList<>(started);
    }
    for (CompletableFuture<DecryptionMaterials> attempt : all) {
      attempt.cancel(false);
    }
  }
}
