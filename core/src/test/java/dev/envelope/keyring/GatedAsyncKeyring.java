package dev.envelope.keyring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A raw AES keyring behind an asynchronous face whose calls finish only when the test releases
 * them, in any order, so that tests can see what runs concurrently and what happens to keys that
 * arrive late. Keeps every data key it produced (and its live bytes) to check zeroing. Its futures
 * honour cancellation (a key made for a cancelled future is closed, as the contract asks) unless
 * built {@link #ignoringCancel()}, which lets tests check that the layers above close late keys
 * themselves.
 */
public final class GatedAsyncKeyring implements Keyring, AsyncKeyring {
  public final List<DataKey> produced = new CopyOnWriteArrayList<>();
  public final List<byte[]> producedBytes = new CopyOnWriteArrayList<>();
  public final List<CompletableFuture<?>> returned = new CopyOnWriteArrayList<>();
  public final AtomicInteger started = new AtomicInteger();
  public final AtomicInteger inFlight = new AtomicInteger();
  public final AtomicInteger maxInFlight = new AtomicInteger();

  private final Keyring delegate;
  private final String name;
  private final List<Runnable> pending = new ArrayList<>();
  private volatile boolean gated = true;
  private volatile boolean cancellable = true;
  private volatile RuntimeException failure;

  public GatedAsyncKeyring(String name, int keySeed) {
    byte[] wrappingKey = new byte[32];
    for (int i = 0; i < wrappingKey.length; i++) {
      wrappingKey[i] = (byte) (i * 13 + keySeed);
    }
    this.name = name;
    this.delegate =
        RawAesKeyring.builder()
            .keyNamespace("gated")
            .keyName(name)
            .wrappingKey(wrappingKey)
            .build();
  }

  /** Calls complete at once instead of waiting for {@link #releaseAll()}. */
  public GatedAsyncKeyring ungated() {
    gated = false;
    return this;
  }

  public GatedAsyncKeyring ignoringCancel() {
    cancellable = false;
    return this;
  }

  /** Released calls fail with {@code failure}. */
  public GatedAsyncKeyring failingWith(RuntimeException failure) {
    this.failure = failure;
    return this;
  }

  /** Finishes every call waiting so far, oldest first. */
  public void releaseAll() {
    List<Runnable> now;
    synchronized (pending) {
      now = new ArrayList<>(pending);
      pending.clear();
    }
    now.forEach(Runnable::run);
  }

  public int waiting() {
    synchronized (pending) {
      return pending.size();
    }
  }

  public boolean isZeroed(int i) {
    for (byte b : producedBytes.get(i)) {
      if (b != 0) {
        return false;
      }
    }
    return produced.get(i).isDestroyed();
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    boolean generates = !materials.hasDataKey();
    EncryptionMaterials out = delegate.onEncrypt(materials);
    if (generates) {
      record(out.dataKey());
    }
    return out;
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    return delegate.onDecrypt(materials, encryptedDataKeys);
  }

  @Override
  public CompletableFuture<EncryptionMaterials> onEncryptAsync(EncryptionMaterials materials) {
    boolean generates = !materials.hasDataKey();
    return schedule(
        () -> {
          EncryptionMaterials out = delegate.onEncrypt(materials);
          if (generates) {
            record(out.dataKey());
          }
          return out;
        },
        generates);
  }

  @Override
  public CompletableFuture<DecryptionMaterials> onDecryptAsync(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    return schedule(
        () -> {
          DecryptionMaterials out = delegate.onDecrypt(materials, encryptedDataKeys);
          if (out.hasDataKey()) {
            record(out.dataKey());
          }
          return out;
        },
        true);
  }

  private <M extends AutoCloseable> CompletableFuture<M> schedule(
      Supplier<M> work, boolean ownsResult) {
    started.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<M> future =
        cancellable
            ? new CompletableFuture<>()
            : new CompletableFuture<>() {
              @Override
              public boolean cancel(boolean mayInterruptIfRunning) {
                return false;
              }
            };
    returned.add(future);
    Runnable run =
        () -> {
          inFlight.decrementAndGet();
          RuntimeException f = failure;
          if (f != null) {
            future.completeExceptionally(f);
            return;
          }
          M out;
          try {
            out = work.get();
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return;
          }
          if (!future.complete(out) && ownsResult) {
            try {
              out.close();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    if (gated) {
      synchronized (pending) {
        pending.add(run);
      }
    } else {
      run.run();
    }
    return future;
  }

  private void record(DataKey key) {
    producedBytes.add(key.bytes());
    produced.add(key);
  }

  @Override
  public String toString() {
    return "GatedAsyncKeyring[" + name + "]";
  }
}
