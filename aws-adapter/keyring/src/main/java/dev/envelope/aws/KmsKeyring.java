package dev.envelope.aws;

import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.text.UntrustedText;
import dev.envelope.keyring.AsyncKeyring;
import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A keyring backed by AWS KMS, compatible with the AWS Encryption SDK's KMS keyrings (and its
 * {@code KmsMasterKeyProvider}): messages written by either decrypt with the other.
 *
 * <p><b>Strict mode</b> (the default) names the keys. On encryption the generator key makes the
 * data key ({@code GenerateDataKey} with the message's encryption context) and every additional key
 * encrypts the same data key ({@code Encrypt}), so any one of them can decrypt the message. Each
 * encrypted data key is stored with provider id {@code aws-kms} and, as provider info, the key ARN
 * KMS reported. On decryption only encrypted data keys whose key ARN matches a configured key are
 * tried, with {@code Decrypt} naming that key ({@code KeyId}), so the keyring never uses a key you
 * did not configure.
 *
 * <p>Keys are given as ARNs. An alias ARN works as generator or additional key for encryption, but,
 * as in the AWS Encryption SDK, it never matches on decryption: the message stores the key ARN, not
 * the alias. Configure key ARNs to decrypt.
 *
 * <p><b>Multi-Region keys</b> ({@code mrk-} ids) match across Regions: a data key written under
 * {@code arn:aws:kms:us-west-2:111122223333:key/mrk-1} decrypts with a keyring configured with
 * {@code arn:aws:kms:us-east-1:111122223333:key/mrk-1}, calling the us-east-1 replica.
 * Single-Region keys match only exactly.
 *
 * <p><b>Discovery mode</b> ({@link Builder#discovery}) decrypts with whatever key a data key names,
 * limited by a required {@link DiscoveryFilter} (partition and account ids) and by the Regions it
 * is configured for ({@link Builder#discoveryRegion} or {@link Builder#discoveryRegions},
 * required): a data key outside the filter, or under a single-Region key of another Region, is
 * skipped without any KMS call. A multi-Region key of another Region is decrypted by its replica in
 * a configured Region. So the Regions a message names (anyone can write a header) never decide
 * which KMS endpoints are called or which clients are made; like the AWS Encryption SDK's discovery
 * keyrings, each bound to its client, and its multi-Region discovery keyring, given a list of
 * Regions. It cannot encrypt.
 *
 * <p>When no data key could be used, the keyring fails with a {@link NoUsableDataKeyException} that
 * says, for each data key, why it was skipped.
 *
 * <p>Grant tokens (static or from a supplier, at most 10) go with every KMS request. Failures
 * surface as {@link KmsKeyProviderException} with the KMS error code, request id and a diagnosis of
 * likely causes.
 *
 * <p><b>Non-blocking.</b> With {@link Builder#asyncClientSupplier} the keyring makes its requests
 * on {@code KmsAsyncClient} (the AWS SDK's Netty client): it is an {@link AsyncKeyring}, so {@code
 * Envelope.encryptAsync} and {@code decryptAsync} never block a thread on KMS, with the same
 * strict, discovery, multi-Region and grant-token behaviour and the same failures and diagnosis.
 * Its blocking methods then wait for the same requests. Without it, the asynchronous methods run
 * the blocking requests on the keyring's wrap executor.
 *
 * <p><b>Parallel wrapping.</b> When the data key goes under several keys (a generator and others,
 * typically in several Regions), the {@code Encrypt} requests run concurrently, for the blocking
 * API (on the wrap executor, {@link Builder#wrapExecutor}) as for the asynchronous one: a generator
 * and two more Regions cost two round trips ({@code GenerateDataKey}, then both {@code Encrypt}s),
 * not three. The message's encrypted data keys stay in configured order (generator first). If any
 * request fails, the encryption fails after all have finished, with the first failure in configured
 * order thrown and the others attached as suppressed exceptions; the data key is zeroed. {@link
 * Builder#generateDataKeyLocally} cuts this to one round trip; see there for the trade-off.
 *
 * <p><b>Metrics.</b> With {@link Builder#meterRegistry} the keyring publishes a timer per KMS call
 * ({@code envelope.kms.calls}, tagged operation, Region and outcome), counters of retries and
 * throttled attempts and a gauge of calls in flight; the README lists them.
 *
 * <p>Immutable and thread-safe.
 */
public final class KmsKeyring implements Keyring, AsyncKeyring {
  /**
   * The provider id of encrypted data keys written by KMS keyrings, in every AWS Encryption SDK.
   */
  public static final String PROVIDER_ID = "aws-kms";

  private final KmsArn generator;
  private final List<KmsArn> additionalKeys;
  private final DiscoveryFilter discoveryFilter;

  /**
   * Discovery mode: the Regions it decrypts in, in order of preference for multi-Region replicas.
   */
  private final List<String> discoveryRegions;

  private final KmsCalls kms;
  private final Transport blocking;
  private final Transport async;
  private final Executor wrapExecutor;
  private final boolean generateLocally;
  private final String description;

  private KmsKeyring(Builder b, KmsArn generator, List<KmsArn> additionalKeys) {
    this.generator = generator;
    this.additionalKeys = List.copyOf(additionalKeys);
    this.discoveryFilter = b.discoveryFilter;
    this.discoveryRegions = b.discoveryRegions;
    KmsClientSupplier clients =
        b.clientSupplier != null ? b.clientSupplier : DefaultClients.INSTANCE;
    this.kms =
        new KmsCalls(
            clients,
            b.grantTokens,
            b.describeKeyOnFailure,
            b.callerAccountId,
            KmsMetrics.of(b.meterRegistry));
    this.wrapExecutor = b.wrapExecutor != null ? b.wrapExecutor : WrapThreads.INSTANCE;
    this.blocking = new BlockingTransport(kms, wrapExecutor);
    this.async =
        b.asyncClientSupplier == null
            ? null
            : new AsyncTransport(new KmsAsyncCalls(b.asyncClientSupplier, kms));
    this.generateLocally = b.generateLocally;
    this.description =
        discoveryFilter != null
            ? "KmsKeyring[discovery, " + discoveryFilter + ", regions=" + discoveryRegions + "]"
            : "KmsKeyring[generator="
                + generator
                + ", keys="
                + additionalKeys
                + (generateLocally ? ", generateDataKeyLocally" : "")
                + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isDiscovery() {
    return discoveryFilter != null;
  }

  /** Whether KMS requests go through {@code KmsAsyncClient}. */
  public boolean isAsync() {
    return async != null;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    return join(encrypt(materials, async != null ? async : blocking));
  }

  @Override
  public CompletableFuture<EncryptionMaterials> onEncryptAsync(EncryptionMaterials materials) {
    if (async == null) {
      return AsyncKeyring.of((Keyring) this, wrapExecutor).onEncryptAsync(materials);
    }
    try {
      return encrypt(materials, async);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Generates (or takes) the data key and has every other key wrap it, all at once. Throws at once
   * for a keyring that cannot encrypt these materials; any other failure completes the future.
   */
  private CompletableFuture<EncryptionMaterials> encrypt(
      EncryptionMaterials materials, Transport kms) {
    if (isDiscovery()) {
      throw new IllegalStateException(
          "a discovery KmsKeyring only decrypts; configure key ARNs to encrypt");
    }
    Map<String, String> context = materials.encryptionContext();
    if (materials.hasDataKey()) {
      List<KmsArn> keys = new ArrayList<>();
      if (generator != null) {
        keys.add(generator);
      }
      keys.addAll(additionalKeys);
      // The data key is the caller's: it is never closed here.
      CompletableFuture<List<EncryptedDataKey>> wrapped =
          encryptAll(keys, materials.dataKey().bytes(), context, kms);
      CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
      wrapped.whenComplete(
          (edks, failure) -> {
            if (failure != null) {
              result.completeExceptionally(KmsAsyncCalls.unwrap(failure));
            } else {
              result.complete(withEncryptedDataKeys(materials, edks));
            }
          });
      cancelWhenAbandoned(result, wrapped);
      return result;
    }
    if (generator == null) {
      throw new IllegalStateException(
          "this KmsKeyring has no generator key and the materials hold no data key;"
              + " set generatorKeyId, or put another keyring first as generator");
    }
    return generateLocally ? generateLocally(materials, kms) : generate(materials, kms);
  }

  /** GenerateDataKey, then the other keys' Encrypts together. */
  private CompletableFuture<EncryptionMaterials> generate(
      EncryptionMaterials materials, Transport kms) {
    Map<String, String> context = materials.encryptionContext();
    CompletableFuture<KmsCalls.Result> generated =
        kms.generateDataKey(generator, materials.suite().dataKeyLength(), context);
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    generated.whenComplete(
        (r, failure) -> {
          if (failure != null) {
            result.completeExceptionally(KmsAsyncCalls.unwrap(failure));
            return;
          }
          EncryptionMaterials withKey;
          try {
            withKey = withGenerated(materials, r);
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
          }
          if (additionalKeys.isEmpty() || result.isDone()) {
            deliver(result, withKey);
            return;
          }
          CompletableFuture<List<EncryptedDataKey>> wrapped =
              encryptAll(additionalKeys, withKey.dataKey().bytes(), context, kms);
          cancelWhenAbandoned(result, wrapped);
          wrapped.whenComplete(
              (edks, wrapFailure) -> {
                if (wrapFailure != null) {
                  withKey.close(); // our data key never reaches the caller: zero it
                  result.completeExceptionally(KmsAsyncCalls.unwrap(wrapFailure));
                } else {
                  deliver(result, withEncryptedDataKeys(withKey, edks));
                }
              });
        });
    cancelWhenAbandoned(result, generated);
    return result;
  }

  /**
   * A data key from this process's {@link SecureRandom}, wrapped by every key at once with {@code
   * Encrypt}: one round trip.
   */
  private CompletableFuture<EncryptionMaterials> generateLocally(
      EncryptionMaterials materials, Transport kms) {
    byte[] bytes = new byte[materials.suite().dataKeyLength()];
    RANDOM.nextBytes(bytes);
    DataKey dataKey = DataKey.wrap(bytes);
    List<KmsArn> keys = new ArrayList<>();
    keys.add(generator);
    keys.addAll(additionalKeys);
    CompletableFuture<List<EncryptedDataKey>> wrapped =
        encryptAll(keys, dataKey.bytes(), materials.encryptionContext(), kms);
    CompletableFuture<EncryptionMaterials> result = new CompletableFuture<>();
    wrapped.whenComplete(
        (edks, failure) -> {
          if (failure != null) {
            dataKey.destroy();
            result.completeExceptionally(KmsAsyncCalls.unwrap(failure));
            return;
          }
          EncryptionMaterials out;
          try {
            out =
                withEncryptedDataKeys(
                    materials.withGeneratedDataKey(dataKey, edks.get(0)),
                    edks.subList(1, edks.size()));
          } catch (RuntimeException e) {
            dataKey.destroy();
            result.completeExceptionally(e);
            return;
          }
          deliver(result, out);
        });
    cancelWhenAbandoned(result, wrapped);
    return result;
  }

  /**
   * Encrypt under every key in {@code keys} at once; the encrypted data keys in the same order, or
   * the first failure (in that order) with the others suppressed, once every request has finished.
   * {@code dataKey} must stay unchanged until then.
   */
  private CompletableFuture<List<EncryptedDataKey>> encryptAll(
      List<KmsArn> keys, byte[] dataKey, Map<String, String> context, Transport kms) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    // The requests' own futures, not dependents: giving up cancels the requests themselves.
    List<CompletableFuture<KmsCalls.Result>> each = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      // The last request may run on the calling thread: the others are under way already.
      boolean others = i < keys.size() - 1;
      each.add(kms.encrypt(keys.get(i), dataKey, context, others));
    }
    CompletableFuture<List<EncryptedDataKey>> result = new CompletableFuture<>();
    CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, alsoIgnored) -> {
              List<EncryptedDataKey> edks = new ArrayList<>(keys.size());
              List<Throwable> failures = new ArrayList<>();
              for (int i = 0; i < keys.size(); i++) {
                KmsArn key = keys.get(i);
                try {
                  KmsCalls.Result r = each.get(i).join();
                  edks.add(
                      edk(
                          checkReturnedKey("Encrypt", key, r.keyId()),
                          r.ciphertext(),
                          "Encrypt",
                          key));
                } catch (CompletionException | CancellationException e) {
                  failures.add(KmsAsyncCalls.unwrap(e));
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              }
              if (failures.isEmpty()) {
                result.complete(edks);
                return;
              }
              Throwable first = failures.get(0);
              for (Throwable other : failures.subList(1, failures.size())) {
                if (other != first) {
                  first.addSuppressed(other);
                }
              }
              result.completeExceptionally(first);
            });
    for (CompletableFuture<KmsCalls.Result> f : each) {
      cancelWhenAbandoned(result, f);
    }
    return result;
  }

  private static EncryptionMaterials withEncryptedDataKeys(
      EncryptionMaterials materials, List<EncryptedDataKey> edks) {
    EncryptionMaterials out = materials;
    for (EncryptedDataKey edk : edks) {
      out = out.withEncryptedDataKey(edk);
    }
    return out;
  }

  /** The materials with the data key GenerateDataKey returned; zeroes the response's plaintext. */
  private EncryptionMaterials withGenerated(EncryptionMaterials materials, KmsCalls.Result r) {
    int length = materials.suite().dataKeyLength();
    byte[] plaintext = r.plaintext();
    DataKey dataKey = null;
    try {
      String keyArn = checkReturnedKey("GenerateDataKey", generator, r.keyId());
      if (plaintext == null || plaintext.length != length) {
        throw invalidResponse(
            "GenerateDataKey",
            generator,
            "returned a data key of "
                + (plaintext == null ? 0 : plaintext.length)
                + " bytes, expected "
                + length);
      }
      EncryptedDataKey edk = edk(keyArn, r.ciphertext(), "GenerateDataKey", generator);
      dataKey = DataKey.copyOf(plaintext);
      return materials.withGeneratedDataKey(dataKey, edk);
    } catch (RuntimeException e) {
      if (dataKey != null) {
        dataKey.destroy();
      }
      throw e;
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  /**
   * The key ARN KMS says it used: it becomes the provider info that decryptors match on, so it must
   * be a real key ARN, and the one we asked for unless we asked by alias.
   */
  private static String checkReturnedKey(String operation, KmsArn requested, String returned) {
    KmsArn arn = KmsArn.tryParse(returned);
    if (arn == null || !arn.isKey()) {
      throw invalidResponse(
          operation,
          requested,
          "returned KeyId " + UntrustedText.quote(returned) + ", which is not a valid key ARN");
    }
    if (requested.isKey() && !arn.equals(requested)) {
      throw invalidResponse(
          operation, requested, "returned KeyId " + arn + ", not the requested key");
    }
    return returned;
  }

  private static EncryptedDataKey edk(
      String keyArn, byte[] ciphertext, String operation, KmsArn requested) {
    if (ciphertext == null || ciphertext.length == 0) {
      throw invalidResponse(operation, requested, "returned no CiphertextBlob");
    }
    return new EncryptedDataKey(PROVIDER_ID, keyArn.getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  private static KmsKeyProviderException invalidResponse(
      String operation, KmsArn key, String what) {
    return new KmsKeyProviderException(
        "KMS "
            + operation
            + " with "
            + key
            + " in "
            + key.region()
            + " "
            + what
            + "; refusing the response",
        null,
        null,
        operation,
        key.toString(),
        key.region(),
        0,
        "- The endpoint did not behave like KMS: check the endpoint override and any proxy in between.",
        null);
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    return join(decrypt(materials, encryptedDataKeys, async != null ? async : blocking));
  }

  @Override
  public CompletableFuture<DecryptionMaterials> onDecryptAsync(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (async == null) {
      return AsyncKeyring.of((Keyring) this, wrapExecutor)
          .onDecryptAsync(materials, encryptedDataKeys);
    }
    try {
      return decrypt(materials, encryptedDataKeys, async);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<DecryptionMaterials> decrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys, Transport kms) {
    if (materials.hasDataKey()) {
      return CompletableFuture.completedFuture(materials);
    }
    return new Attempts(materials, plan(encryptedDataKeys), encryptedDataKeys.size(), kms).start();
  }

  /**
   * One data key to ask KMS for ({@code key} the key to name in Decrypt), or one that is ours but
   * unusable ({@code skipped}).
   */
  private record Step(EncryptedDataKey edk, KmsArn key, KmsKeyProviderException skipped) {}

  /**
   * What decryption tries, in the message's order, and why the other data keys were skipped
   * (without any KMS call).
   */
  private record Plan(List<Step> steps, List<String> skipped) {}

  private Plan plan(List<EncryptedDataKey> encryptedDataKeys) {
    List<Step> steps = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (EncryptedDataKey edk : encryptedDataKeys) {
      if (!edk.providerId().equals(PROVIDER_ID)) {
        skipped.add(
            "provider " + UntrustedText.quote(edk.providerId(), 64) + " is not " + PROVIDER_ID);
        continue;
      }
      KmsArn edkArn = KmsArn.tryParse(edk.providerInfoUtf8());
      if (edkArn == null || !edkArn.isKey()) {
        String shown = UntrustedText.quote(edk.providerInfoUtf8());
        steps.add(
            new Step(
                edk,
                null,
                new KmsKeyProviderException(
                    "an aws-kms encrypted data key names "
                        + shown
                        + ", which is not a valid KMS key ARN; skipped it",
                    null,
                    null,
                    "Decrypt",
                    shown,
                    null,
                    0,
                    "- The message was not written by a KMS keyring, or was altered.",
                    null)));
        continue;
      }
      List<KmsArn> keysToUse =
          isDiscovery() ? discoveryKeys(edkArn, skipped) : configuredKey(edkArn, skipped);
      for (KmsArn keyToUse : keysToUse) {
        steps.add(new Step(edk, keyToUse, null));
      }
    }
    return new Plan(steps, skipped);
  }

  /**
   * Tries the steps one after the other until KMS returns a data key. A loop, not a chain of
   * callbacks: steps whose answer is already there (always, on the blocking client) run without
   * deepening the stack, however many data keys a message carries.
   */
  private final class Attempts {
    private final DecryptionMaterials materials;
    private final List<Step> steps;
    private final Transport kms;
    private final List<KmsKeyProviderException> failures = new ArrayList<>();
    private final CompletableFuture<DecryptionMaterials> result = new CompletableFuture<>();
    private volatile CompletableFuture<?> current;

    private final int encryptedDataKeys;
    private final List<String> skipped;

    Attempts(DecryptionMaterials materials, Plan plan, int encryptedDataKeys, Transport kms) {
      this.materials = materials;
      this.steps = plan.steps();
      this.skipped = plan.skipped();
      this.encryptedDataKeys = encryptedDataKeys;
      this.kms = kms;
    }

    CompletableFuture<DecryptionMaterials> start() {
      result.whenComplete(
          (v, e) -> {
            CompletableFuture<?> c = current;
            if (e != null && c != null) {
              c.cancel(true);
            }
          });
      from(0);
      return result;
    }

    private void from(int first) {
      for (int i = first; i < steps.size(); i++) {
        if (result.isDone()) {
          return;
        }
        Step step = steps.get(i);
        if (step.skipped() != null) {
          failures.add(step.skipped());
          continue;
        }
        CompletableFuture<KmsCalls.Result> call =
            kms.decrypt(step.key(), step.edk().ciphertext(), materials.encryptionContext());
        current = call;
        if (result.isDone()) {
          call.cancel(true);
        }
        if (!call.isDone()) {
          int next = i + 1;
          call.whenComplete(
              (r, failure) -> {
                if (!settle(step, r, failure)) {
                  from(next);
                }
              });
          return;
        }
        KmsCalls.Result r = null;
        Throwable failure = null;
        try {
          r = call.join();
        } catch (CompletionException | CancellationException e) {
          failure = e;
        }
        if (settle(step, r, failure)) {
          return;
        }
      }
      finish();
    }

    /** True once the result is decided; false to go on with the next step. */
    private boolean settle(Step step, KmsCalls.Result r, Throwable failure) {
      if (failure != null) {
        Throwable cause = KmsAsyncCalls.unwrap(failure);
        if (cause instanceof KmsKeyProviderException e) {
          failures.add(e);
          return false;
        }
        result.completeExceptionally(cause);
        return true;
      }
      DataKey key;
      try {
        key = dataKeyFrom(step.key(), r, materials.suite().dataKeyLength());
      } catch (KmsKeyProviderException e) {
        failures.add(e);
        return false;
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return true;
      }
      DecryptionMaterials out = materials.withDataKey(key);
      if (!result.complete(out)) {
        out.close(); // nobody will read it
      }
      return true;
    }

    private void finish() {
      if (failures.isEmpty()) {
        result.completeExceptionally(noneUsable(encryptedDataKeys, skipped));
      } else if (failures.size() == 1) {
        result.completeExceptionally(failures.get(0));
      } else {
        result.completeExceptionally(allFailed(failures));
      }
    }
  }

  private static KmsKeyProviderException allFailed(List<KmsKeyProviderException> failures) {
    KmsKeyProviderException first = failures.get(0);
    KmsKeyProviderException all =
        new KmsKeyProviderException(
            "all "
                + failures.size()
                + " KMS decrypt attempts failed (each is attached as a suppressed exception); the first: "
                + first.getMessage(),
            first.errorCode().orElse(null),
            first.requestId().orElse(null),
            first.operation(),
            first.keyArn(),
            first.region(),
            first.statusCode(),
            "",
            null);
    failures.forEach(all::addSuppressed);
    return all;
  }

  /** No data key was one this keyring may use: say why for each, without calling KMS. */
  private NoUsableDataKeyException noneUsable(int count, List<String> skipped) {
    StringBuilder why = new StringBuilder();
    int shown = Math.min(skipped.size(), 10);
    for (int i = 0; i < shown; i++) {
      why.append(i == 0 ? "" : "; ").append(skipped.get(i));
    }
    if (skipped.size() > shown) {
      why.append("; and ").append(skipped.size() - shown).append(" more");
    }
    return new NoUsableDataKeyException(
        "none of the message's "
            + count
            + " encrypted data key(s) is one "
            + description
            + " may use, so KMS was not called: "
            + why);
  }

  /**
   * The configured key that may decrypt a data key written under {@code edkArn}, or none (and why).
   */
  private List<KmsArn> configuredKey(KmsArn edkArn, List<String> skipped) {
    if (generator != null && generator.isKey() && KmsArn.mrkMatch(generator, edkArn)) {
      return List.of(generator);
    }
    for (KmsArn key : additionalKeys) {
      if (key.isKey() && KmsArn.mrkMatch(key, edkArn)) {
        return List.of(key);
      }
    }
    skipped.add(edkArn + " is not one of this keyring's keys");
    return List.of();
  }

  /**
   * The keys to ask KMS with for a data key written under {@code edkArn}: the key itself if its
   * Region is a configured one, else for a multi-Region key its replica in each configured Region;
   * none (and why) for a key outside the filter or a single-Region key elsewhere. Nothing here
   * depends on a Region outside the configuration, so a forged Region never reaches the client
   * supplier.
   */
  private List<KmsArn> discoveryKeys(KmsArn edkArn, List<String> skipped) {
    if (!discoveryFilter.allows(edkArn)) {
      skipped.add(
          edkArn
              + " is outside the discovery filter (partition "
              + discoveryFilter.partition()
              + ", accounts "
              + discoveryFilter.accountIds().stream().sorted().toList()
              + ")");
      return List.of();
    }
    if (discoveryRegions.contains(edkArn.region())) {
      return List.of(edkArn);
    }
    if (!edkArn.isMultiRegionKey()) {
      skipped.add(
          edkArn
              + " is a single-Region key in "
              + edkArn.region()
              + ", not one of this keyring's"
              + " discovery Regions "
              + discoveryRegions);
      return List.of();
    }
    List<KmsArn> replicas = new ArrayList<>(discoveryRegions.size());
    for (String region : discoveryRegions) {
      replicas.add(edkArn.withRegion(region));
    }
    return replicas;
  }

  /** The data key in Decrypt's answer, checked; zeroes the response's plaintext. */
  private static DataKey dataKeyFrom(KmsArn key, KmsCalls.Result r, int length) {
    byte[] plaintext = r.plaintext();
    try {
      // With KeyId set KMS must answer with that key; anything else means we are not talking to
      // KMS.
      if (!key.toString().equals(r.keyId())) {
        throw invalidResponse(
            "Decrypt",
            key,
            "returned KeyId " + UntrustedText.quote(r.keyId()) + ", not the requested key");
      }
      if (plaintext == null || plaintext.length != length) {
        throw invalidResponse(
            "Decrypt",
            key,
            "returned a data key of "
                + (plaintext == null ? 0 : plaintext.length)
                + " bytes, expected "
                + length);
      }
      return DataKey.copyOf(plaintext);
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return description;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Completes {@code future} with {@code materials}, or zeroes them if nobody will read them. */
  private static void deliver(
      CompletableFuture<EncryptionMaterials> future, EncryptionMaterials materials) {
    if (!future.complete(materials)) {
      materials.close();
    }
  }

  /** Once {@code downstream} fails or is cancelled, cancels {@code upstream}. */
  private static void cancelWhenAbandoned(
      CompletableFuture<?> downstream, CompletableFuture<?> upstream) {
    downstream.whenComplete(
        (v, e) -> {
          if (e != null) {
            upstream.cancel(true);
          }
        });
  }

  /** The blocking methods' wait: the future's failure is thrown as it was raised. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = KmsAsyncCalls.unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** How the keyring's KMS requests run: on the blocking client or on the asynchronous one. */
  private interface Transport {
    CompletableFuture<KmsCalls.Result> generateDataKey(
        KmsArn key, int numberOfBytes, Map<String, String> context);

    /**
     * {@code concurrently}: other requests should not wait for this one (the blocking client then
     * runs it on the wrap executor).
     */
    CompletableFuture<KmsCalls.Result> encrypt(
        KmsArn key, byte[] plaintext, Map<String, String> context, boolean concurrently);

    CompletableFuture<KmsCalls.Result> decrypt(
        KmsArn key, byte[] ciphertext, Map<String, String> context);
  }

  /** {@link KmsCalls} on the calling thread, or on the wrap executor for concurrent requests. */
  private record BlockingTransport(KmsCalls kms, Executor executor) implements Transport {
    @Override
    public CompletableFuture<KmsCalls.Result> generateDataKey(
        KmsArn key, int numberOfBytes, Map<String, String> context) {
      return now(() -> kms.generateDataKey(key, numberOfBytes, context));
    }

    @Override
    public CompletableFuture<KmsCalls.Result> encrypt(
        KmsArn key, byte[] plaintext, Map<String, String> context, boolean concurrently) {
      if (!concurrently) {
        return now(() -> kms.encrypt(key, plaintext, context));
      }
      try {
        return CompletableFuture.supplyAsync(() -> kms.encrypt(key, plaintext, context), executor);
      } catch (RuntimeException rejected) {
        return now(() -> kms.encrypt(key, plaintext, context));
      }
    }

    @Override
    public CompletableFuture<KmsCalls.Result> decrypt(
        KmsArn key, byte[] ciphertext, Map<String, String> context) {
      return now(() -> kms.decrypt(key, ciphertext, context));
    }

    private static CompletableFuture<KmsCalls.Result> now(Supplier<KmsCalls.Result> call) {
      try {
        return CompletableFuture.completedFuture(call.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  private record AsyncTransport(KmsAsyncCalls kms) implements Transport {
    @Override
    public CompletableFuture<KmsCalls.Result> generateDataKey(
        KmsArn key, int numberOfBytes, Map<String, String> context) {
      return kms.generateDataKey(key, numberOfBytes, context);
    }

    @Override
    public CompletableFuture<KmsCalls.Result> encrypt(
        KmsArn key, byte[] plaintext, Map<String, String> context, boolean concurrently) {
      return kms.encrypt(key, plaintext, context);
    }

    @Override
    public CompletableFuture<KmsCalls.Result> decrypt(
        KmsArn key, byte[] ciphertext, Map<String, String> context) {
      return kms.decrypt(key, ciphertext, context);
    }
  }

  /**
   * The default wrap executor, shared by every keyring: daemon threads made on demand and kept a
   * minute, at most 64; when all are busy a request runs on the thread that asked (so wrapping
   * slows down to sequential under overload instead of failing or queueing without bound).
   */
  private static final class WrapThreads {
    static final Executor INSTANCE = create();

    private static Executor create() {
      AtomicInteger n = new AtomicInteger();
      return new ThreadPoolExecutor(
          0,
          64,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "envelope-kms-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());
    }
  }

  /**
   * The shared default: one client per Region with the SDK's default credentials and standard
   * retries.
   */
  private static final class DefaultClients {
    static final KmsClientSupplier INSTANCE = CachingKmsClientSupplier.builder().build();
  }

  /** Builds a {@link KmsKeyring}: either keys (generator and/or additional keys) or discovery. */
  public static final class Builder {

    private String generatorKeyId;
    private final List<String> keyIds = new ArrayList<>();
    private DiscoveryFilter discoveryFilter;
    private List<String> discoveryRegions = List.of();
    private Supplier<List<String>> grantTokens = List::of;
    private KmsClientSupplier clientSupplier;
    private boolean describeKeyOnFailure = true;
    private String callerAccountId;
    private KmsAsyncClientSupplier asyncClientSupplier;
    private MeterRegistry meterRegistry;
    private Executor wrapExecutor;
    private boolean generateLocally;

    private Builder() {}

    /**
     * Makes the keyring non-blocking: its requests go through these {@code KmsAsyncClient}s (for
     * example a {@link CachingKmsAsyncClientSupplier}, on the AWS SDK's Netty client), for the
     * asynchronous API and the blocking one alike. {@link #clientSupplier} is then not used.
     */
    public Builder asyncClientSupplier(KmsAsyncClientSupplier supplier) {
      this.asyncClientSupplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Publishes the KMS meters (timer per call, retries, throttles, in flight) to {@code registry}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Where a keyring on the blocking client runs the {@code Encrypt} requests that go out
     * concurrently, and its asynchronous methods; by default a shared pool of at most 64 daemon
     * threads that runs a request on the calling thread when all are busy.
     */
    public Builder wrapExecutor(Executor executor) {
      this.wrapExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Opt-in: make the data key here, from this JVM's {@link SecureRandom}, and have every key
     * (generator included) wrap it with {@code Encrypt}, all at once: one KMS round trip per
     * message instead of two ({@code GenerateDataKey}, then the other keys' {@code Encrypt}s).
     * Messages are the same format and decrypt as usual.
     *
     * <p>The trade-off: the data key comes from the host's random generator rather than from KMS's
     * (HSM-backed, FIPS 140-3 validated) one, so the host's entropy source matters; KMS logs {@code
     * Encrypt} rather than {@code GenerateDataKey} (CloudTrail, and any alarm or policy condition
     * keyed on the operation); and the caller needs {@code kms:Encrypt} on the generator key
     * instead of {@code kms:GenerateDataKey}. With a single key there is nothing to gain.
     */
    public Builder generateDataKeyLocally(boolean generateLocally) {
      this.generateLocally = generateLocally;
      return this;
    }

    /** The key (key ARN or alias ARN) that generates data keys with {@code GenerateDataKey}. */
    public Builder generatorKeyId(String keyArn) {
      this.generatorKeyId = Objects.requireNonNull(keyArn, "keyArn");
      return this;
    }

    /**
     * More keys (key ARNs or alias ARNs) that each encrypt the data key, and may decrypt (key ARNs
     * only).
     */
    public Builder keyIds(String... keyArns) {
      return keyIds(List.of(keyArns));
    }

    /** See {@link #keyIds(String...)}. Adds to the keys given before. */
    public Builder keyIds(Collection<String> keyArns) {
      for (String k : keyArns) {
        keyIds.add(Objects.requireNonNull(k, "key ARN"));
      }
      return this;
    }

    /**
     * Decrypt-only discovery mode, limited to keys the filter allows and to the Regions given with
     * {@link #discoveryRegion} or {@link #discoveryRegions} (required). Excludes generator and key
     * ids.
     */
    public Builder discovery(DiscoveryFilter filter) {
      this.discoveryFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * The one Region a discovery keyring decrypts in (like the AWS Encryption SDK's MRK discovery
     * keyring): keys of this Region, and multi-Region keys of other Regions through their replica
     * here; single-Region keys of other Regions are skipped. Replaces Regions set before. Discovery
     * needs this or {@link #discoveryRegions}.
     */
    public Builder discoveryRegion(String region) {
      return discoveryRegions(List.of(Objects.requireNonNull(region, "region")));
    }

    /**
     * The Regions a discovery keyring decrypts in (like the AWS Encryption SDK's multi-Region
     * discovery keyring): keys of these Regions, and multi-Region keys of other Regions through
     * their replica in each of these, tried in this order; single-Region keys of other Regions are
     * skipped. Replaces Regions set before.
     */
    public Builder discoveryRegions(String... regions) {
      return discoveryRegions(List.of(regions));
    }

    /** See {@link #discoveryRegions(String...)}. */
    public Builder discoveryRegions(Collection<String> regions) {
      List<String> copy = new ArrayList<>();
      for (String r : regions) {
        Objects.requireNonNull(r, "region");
        if (!copy.contains(r)) {
          copy.add(r);
        }
      }
      this.discoveryRegions = List.copyOf(copy);
      return this;
    }

    /** Grant tokens sent with every KMS request (at most 10). */
    public Builder grantTokens(String... tokens) {
      return grantTokens(List.of(tokens));
    }

    /** See {@link #grantTokens(String...)}. */
    public Builder grantTokens(List<String> tokens) {
      List<String> copy = KmsCalls.validateGrantTokens(List.copyOf(tokens));
      this.grantTokens = () -> copy;
      return this;
    }

    /**
     * Grant tokens asked for before every KMS request, for tokens that change (a new grant's token
     * until it has propagated). More than 10 fails the request with {@link
     * IllegalArgumentException}.
     */
    public Builder grantTokens(Supplier<? extends List<String>> supplier) {
      Objects.requireNonNull(supplier, "supplier");
      this.grantTokens = supplier::get;
      return this;
    }

    /**
     * Where KMS clients come from; by default a shared {@link CachingKmsClientSupplier} with SDK
     * defaults.
     */
    public Builder clientSupplier(KmsClientSupplier supplier) {
      this.clientSupplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Whether a failure diagnosis may call {@code DescribeKey} to learn the key's state (default
     * true). Its own failure is only noted in the diagnosis.
     */
    public Builder describeKeyOnFailure(boolean allowed) {
      this.describeKeyOnFailure = allowed;
      return this;
    }

    /**
     * The caller's AWS account, for the diagnosis of cross-account denials when KMS's message does
     * not name the caller. Optional: without it the diagnosis reads the caller from KMS's message,
     * else decodes the account from the client's access key id. No STS call is ever made to find
     * it.
     */
    public Builder callerAccountId(String accountId) {
      if (!KmsArn.isAccountId(Objects.requireNonNull(accountId, "accountId"))) {
        throw new IllegalArgumentException(
            "invalid AWS account id " + UntrustedText.quote(accountId));
      }
      this.callerAccountId = accountId;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a key is not a key or alias ARN, if discovery is mixed
     *     with keys, if no key is configured, or if two configured keys are replicas of the same
     *     multi-Region key
     */
    public KmsKeyring build() {
      if (discoveryFilter != null) {
        if (generatorKeyId != null || !keyIds.isEmpty()) {
          throw new IllegalArgumentException(
              "a discovery keyring takes no key ids; build a strict keyring"
                  + " for the keys, or combine the two in a MultiKeyring");
        }
        if (discoveryRegions.isEmpty()) {
          throw new IllegalArgumentException(
              "a discovery keyring decrypts only in the Regions it is given:"
                  + " set discoveryRegion(region) or discoveryRegions(regions). Without them the Region would come"
                  + " from each message, which anyone can write");
        }
        for (String region : discoveryRegions) {
          if (!KmsArn.isRegion(region)) {
            throw new IllegalArgumentException(
                "invalid discovery Region " + UntrustedText.quote(region));
          }
        }
        return new KmsKeyring(this, null, List.of());
      }
      if (!discoveryRegions.isEmpty()) {
        throw new IllegalArgumentException("discoveryRegion(s) needs discovery(filter)");
      }
      if (generatorKeyId == null && keyIds.isEmpty()) {
        throw new IllegalArgumentException(
            "a KmsKeyring needs a generator key, key ids, or discovery(filter)");
      }
      KmsArn gen = generatorKeyId == null ? null : parseConfigured(generatorKeyId);
      List<KmsArn> keys = new ArrayList<>();
      for (String k : keyIds) {
        keys.add(parseConfigured(k));
      }
      List<KmsArn> all = new ArrayList<>(keys);
      if (gen != null) {
        all.add(0, gen);
      }
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          KmsArn a = all.get(i);
          KmsArn b = all.get(j);
          if (a.isMultiRegionKey() && !a.equals(b) && KmsArn.mrkMatch(a, b)) {
            // The AWS Encryption SDK refuses this too: both would match the same data keys.
            throw new IllegalArgumentException(
                "configured keys "
                    + a
                    + " and "
                    + b
                    + " are replicas of the same multi-Region key; configure one of them");
          }
        }
      }
      return new KmsKeyring(this, gen, keys);
    }

    private static KmsArn parseConfigured(String id) {
      try {
        return KmsArn.parse(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "KMS keys must be given as key ARNs or alias ARNs"
                + " (the Region of the ARN picks the KMS client): "
                + e.getMessage(),
            e);
      }
    }
  }
}
