package dev.envelope.keyring;

import dev.envelope.KeyProviderException;
import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.async.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Combines keyrings. On encryption the generator produces the data key and every other keyring adds
 * its own encrypted copy, so any one of them can decrypt the message. On decryption the keyrings
 * are tried in order (generator first) until one recovers the key; failures of the others are kept
 * and reported as suppressed exceptions if none succeeds.
 *
 * <p><b>Concurrency.</b> Once the generator has made the data key, the other keyrings wrap it
 * concurrently, with the blocking API as with the asynchronous one: a child that is an {@link
 * AsyncKeyring} (such as the KMS keyring) is started without waiting for the others, so encrypting
 * for a generator and two more Regions costs two key-provider round trips, not three. Children that
 * are only {@link Keyring}s (the raw keyrings, whose work is local) run on the calling thread. The
 * message's encrypted data keys stay in the configured order (the generator's first), whatever
 * order the wraps finish in. If any wrap fails, the encryption fails once every wrap has finished:
 * the first failure in configured order is thrown with the others attached as suppressed
 * exceptions, and a data key this keyring generated is zeroed.
 *
 * <p>Decryption is sequential by default, which makes the fewest key-provider calls. {@link
 * #withDecryptConcurrency(int)} tries up to n keyrings at once and takes the first that recovers
 * the key, cancelling the others (a key another one recovers later is zeroed): for messages wrapped
 * in several Regions, when a slow or unreachable Region should not delay decryption.
 */
public final class MultiKeyring implements Keyring, AsyncKeyring {
  private final Keyring generator;
  private final List<Keyring> children;
  private final int decryptConcurrency;

  private MultiKeyring(Keyring generator, List<Keyring> children, int decryptConcurrency) {
    this.generator = generator;
    this.children = List.copyOf(children);
    this.decryptConcurrency = decryptConcurrency;
  }

  /**
   * A multi-keyring whose {@code generator} makes the data key and {@code others} add encrypted
   * copies.
   */
  public static MultiKeyring of(Keyring generator, Keyring... others) {
    return new MultiKeyring(Objects.requireNonNull(generator, "generator"), List.of(others), 1);
  }

  /** A multi-keyring without generator: encrypts only data keys another keyring generated. */
  public static MultiKeyring withoutGenerator(Keyring first, Keyring... others) {
    List<Keyring> all = new ArrayList<>();
    all.add(Objects.requireNonNull(first, "first"));
    all.addAll(List.of(others));
    return new MultiKeyring(null, all, 1);
  }

  /**
   * The same keyrings, trying up to {@code maxConcurrent} of them at once on decryption (1, the
   * default, is sequential). Keyrings start in configured order as earlier ones finish without the
   * key; the first to recover it wins and the others are cancelled.
   */
  public MultiKeyring withDecryptConcurrency(int maxConcurrent) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
    }
    return new MultiKeyring(generator, children, maxConcurrent);
  }

  /** How many keyrings decryption tries at once; 1 is sequential. */
  public int decryptConcurrency() {
    return decryptConcurrency;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    EncryptionMaterials current = materials;
    boolean generated = false;
    if (generator != null) {
      checkCanGenerate(current);
      current = checkGenerated(generator.onEncrypt(current));
      generated = true;
    } else {
      checkHasKey(current);
    }
    return Futures.join(wrapAll(current, generated));
  }

  @Override
  public CompletableFuture<EncryptionMaterials> onEncryptAsync(EncryptionMaterials materials) {
    if (generator == null) {
      return Futures.start(
          () -> {
            checkHasKey(materials);
            return wrapAll(materials, false);
          });
    }
    CompletableFuture<EncryptionMaterials> generated =
        Futures.start(
            () -> {
              checkCanGenerate(materials);
              return AsyncKeyring.of(generator).onEncryptAsync(materials);
            });
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    generated.whenComplete(
        (withKey, failure) -> {
          if (failure != null) {
            result.completeExceptionally(Futures.unwrap(failure));
            return;
          }
          if (result.isDone()) {
            withKey.close(); // abandoned meanwhile
            return;
          }
          CompletableFuture<EncryptionMaterials> wrapped;
          try {
            wrapped = wrapAll(checkGenerated(withKey), true);
          } catch (RuntimeException | Error e) {
            withKey.close();
            result.completeExceptionally(e);
            return;
          }
          Futures.cancelWhenAbandoned(result, wrapped);
          wrapped.whenComplete(
              (done, wrapFailure) -> {
                if (wrapFailure != null) {
                  result.completeExceptionally(Futures.unwrap(wrapFailure));
                } else {
                  Futures.deliver(result, done);
                }
              });
        });
    Futures.cancelWhenAbandoned(result, generated);
    return result;
  }

  private static void checkCanGenerate(EncryptionMaterials materials) {
    if (materials.hasDataKey()) {
      throw new IllegalStateException(
          "materials already hold a data key; the generator must not replace it");
    }
  }

  private static EncryptionMaterials checkGenerated(EncryptionMaterials materials) {
    if (!materials.hasDataKey()) {
      throw new IllegalStateException("generator keyring produced no data key");
    }
    return materials;
  }

  private static void checkHasKey(EncryptionMaterials materials) {
    if (!materials.hasDataKey()) {
      throw new IllegalStateException(
          "multi-keyring without a generator needs a data key to encrypt");
    }
  }

  /**
   * Has every child wrap {@code base}'s data key at once and collects their encrypted data keys in
   * configured order. When {@code ownsKey} (the generator ran here), the data key is zeroed if the
   * wraps fail or nobody reads the result.
   */
  private CompletableFuture<EncryptionMaterials> wrapAll(
      EncryptionMaterials base, boolean ownsKey) {
    if (children.isEmpty()) {
      return CompletableFuture.completedFuture(base);
    }
    List<CompletableFuture<EncryptionMaterials>> wraps = new ArrayList<>(children.size());
    for (Keyring child : children) {
      wraps.add(Futures.start(() -> startWrap(child, base)));
    }
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    for (CompletableFuture<EncryptionMaterials> wrap : wraps) {
      Futures.cancelWhenAbandoned(result, wrap);
    }
    CompletableFuture.allOf(wraps.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, alsoIgnored) -> {
              List<Throwable> failures = new ArrayList<>();
              EncryptionMaterials out = base;
              for (int i = 0; i < wraps.size(); i++) {
                try {
                  out = appendWrapped(out, base, children.get(i), wraps.get(i).join());
                } catch (CompletionException | CancellationException e) {
                  failures.add(Futures.unwrap(e));
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
              if (failures.isEmpty()) {
                if (ownsKey) {
                  Futures.deliver(result, out);
                } else {
                  result.complete(out);
                }
                return;
              }
              if (ownsKey) {
                base.close(); // the data key never reaches the caller: zero it
              }
              Throwable first = failures.get(0);
              for (Throwable other : failures.subList(1, failures.size())) {
                if (other != first) {
                  first.addSuppressed(other);
                }
              }
              result.completeExceptionally(first);
            });
    return result;
  }

  /** A child's wrap: asynchronous if the child is, else on this thread. */
  private static CompletableFuture<EncryptionMaterials> startWrap(
      Keyring child, EncryptionMaterials base) {
    if (child instanceof AsyncKeyring async) {
      return async.onEncryptAsync(base);
    }
    return CompletableFuture.completedFuture(child.onEncrypt(base));
  }

  /**
   * {@code out} with the encrypted data keys {@code child} added to {@code base}; the child must
   * have kept the data key and the keys already there.
   */
  private static EncryptionMaterials appendWrapped(
      EncryptionMaterials out,
      EncryptionMaterials base,
      Keyring child,
      EncryptionMaterials wrapped) {
    List<EncryptedDataKey> before = base.encryptedDataKeys();
    List<EncryptedDataKey> after = wrapped.encryptedDataKeys();
    if (!wrapped.hasDataKey()
        || wrapped.dataKey() != base.dataKey()
        || after.size() < before.size()
        || !after.subList(0, before.size()).equals(before)) {
      throw new IllegalStateException(
          "keyring " + child + " replaced the data key or dropped encrypted data keys");
    }
    EncryptionMaterials result = out;
    for (EncryptedDataKey edk : after.subList(before.size(), after.size())) {
      result = result.withEncryptedDataKey(edk);
    }
    return result;
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      return materials;
    }
    if (decryptConcurrency > 1) {
      return Futures.join(onDecryptAsync(materials, encryptedDataKeys));
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (Keyring keyring : order()) {
      try {
        DecryptionMaterials result = keyring.onDecrypt(materials, encryptedDataKeys);
        if (result.hasDataKey()) {
          return result;
        }
      } catch (KeyProviderException | NoUsableDataKeyException e) {
        failures.add(e);
      }
    }
    if (failures.isEmpty()) {
      return materials;
    }
    throw noneDecrypted(encryptedDataKeys.size(), failures);
  }

  @Override
  public CompletableFuture<DecryptionMaterials> onDecryptAsync(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      return CompletableFuture.completedFuture(materials);
    }
    return new FirstToDecrypt(order(), decryptConcurrency, materials, encryptedDataKeys).start();
  }

  private List<Keyring> order() {
    List<Keyring> order = new ArrayList<>();
    if (generator != null) {
      order.add(generator);
    }
    order.addAll(children);
    return order;
  }

  static NoUsableDataKeyException noneDecrypted(
      int encryptedDataKeys, List<? extends Throwable> failures) {
    NoUsableDataKeyException error =
        new NoUsableDataKeyException(
            "no keyring could decrypt any of the "
                + encryptedDataKeys
                + " encrypted data key(s); "
                + failures.size()
                + " key provider(s) failed (see suppressed exceptions)");
    failures.forEach(error::addSuppressed);
    return error;
  }

  @Override
  public String toString() {
    return "MultiKeyring[generator="
        + generator
        + ", children="
        + children
        + (decryptConcurrency > 1 ? ", decryptConcurrency=" + decryptConcurrency : "")
        + "]";
  }
}
