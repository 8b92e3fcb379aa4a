package dev.envelope.aws;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/**
 * The KMS requests of {@link KmsCalls} on {@link KmsAsyncClient}: same requests, same grant tokens,
 * same metrics and the same {@link KmsKeyProviderException}s with the same diagnosis (the {@code
 * DescribeKey} a diagnosis may ask for is made asynchronously too). A future that is cancelled, or
 * completed otherwise before KMS answers, cancels the SDK's request; a plaintext that arrives for a
 * future nobody reads any more is zeroed.
 */
final class KmsAsyncCalls {
  private final KmsAsyncClientSupplier clients;
  private final KmsCalls shared;

  /** {@code shared} supplies the grant tokens, the diagnosis settings and the metrics. */
  KmsAsyncCalls(KmsAsyncClientSupplier clients, KmsCalls shared) {
    this.clients = clients;
    this.shared = shared;
  }

  CompletableFuture<KmsCalls.Result> generateDataKey(
      KmsArn key, int numberOfBytes, Map<String, String> context) {
    return call(
        "GenerateDataKey",
        key,
        context,
        (client, tokens) ->
            client.generateDataKey(
                b ->
                    b.keyId(key.toString())
                        .numberOfBytes(numberOfBytes)
                        .encryptionContext(context)
                        .grantTokens(tokens)
                        .overrideConfiguration(
                            shared.metrics().requestOverride("GenerateDataKey", key))),
        r ->
            new KmsCalls.Result(
                r.keyId(),
                KmsCalls.unsafeBytes(r.plaintext()),
                KmsCalls.bytes(r.ciphertextBlob())));
  }

  /**
   * The caller must leave {@code plaintext} unchanged until the future completes: the request
   * refers to it without a copy (no unzeroable copy of a data key), and the SDK may serialize it on
   * another thread. Zeroing it after giving up on the future is harmless: that request's answer is
   * dropped.
   */
  CompletableFuture<KmsCalls.Result> encrypt(
      KmsArn key, byte[] plaintext, Map<String, String> context) {
    return call(
        "Encrypt",
        key,
        context,
        (client, tokens) ->
            client.encrypt(
                b ->
                    b.keyId(key.toString())
                        .plaintext(SdkBytes.fromByteArrayUnsafe(plaintext))
                        .encryptionContext(context)
                        .grantTokens(tokens)
                        .overrideConfiguration(shared.metrics().requestOverride("Encrypt", key))),
        r -> new KmsCalls.Result(r.keyId(), null, KmsCalls.bytes(r.ciphertextBlob())));
  }

  CompletableFuture<KmsCalls.Result> decrypt(
      KmsArn key, byte[] ciphertext, Map<String, String> context) {
    return call(
        "Decrypt",
        key,
        context,
        (client, tokens) ->
            client.decrypt(
                b ->
                    b.keyId(key.toString())
                        .ciphertextBlob(SdkBytes.fromByteArray(ciphertext))
                        .encryptionContext(context)
                        .grantTokens(tokens)
                        .overrideConfiguration(shared.metrics().requestOverride("Decrypt", key))),
        r -> new KmsCalls.Result(r.keyId(), KmsCalls.unsafeBytes(r.plaintext()), null));
  }

  private interface AsyncKmsCall<R> {
    CompletableFuture<R> start(KmsAsyncClient client, List<String> tokens);
  }

  /**
   * Starts {@code call} and completes the returned future with its answer, {@code convert}ed. The
   * SDK's own future is kept, not a dependent of it: giving up on the result cancels it (aborting
   * the HTTP exchange), and an answer that arrives anyway is still seen here, so its plaintext is
   * zeroed.
   */
  private <R> CompletableFuture<KmsCalls.Result> call(
      String operation,
      KmsArn key,
      Map<String, String> context,
      AsyncKmsCall<R> call,
      Function<R, KmsCalls.Result> convert) {
    List<String> tokens;
    KmsAsyncClient client;
    try {
      tokens = shared.tokens();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    try {
      client = clients.client(key.region());
      if (client == null) {
        throw new NullPointerException("client supplier returned null for Region " + key.region());
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(KmsCalls.noClient(operation, key, e));
    }
    KmsMetrics.Timing timing = shared.metrics().start(operation, key.region());
    CompletableFuture<R> sdk;
    try {
      sdk = call.start(client, tokens);
    } catch (RuntimeException e) {
      sdk = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<KmsCalls.Result> result = new CompletableFuture<>();
    CompletableFuture<R> request = sdk;
    result.whenComplete(
        (r, e) -> {
          if (e != null) {
            request.cancel(true);
          }
        });
    sdk.whenComplete(
        (answer, failure) -> {
          if (failure == null) {
            timing.succeeded();
            KmsCalls.Result r;
            try {
              r = convert.apply(answer);
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
              return;
            }
            if (!result.complete(r) && r.plaintext() != null) {
              Arrays.fill(r.plaintext(), (byte) 0); // nobody will read this key
            }
            return;
          }
          Throwable cause = unwrap(failure);
          if (result.isDone()) {
            timing.failed(result.isCancelled() ? new CancellationException() : cause);
            return;
          }
          timing.failed(cause);
          if (cause instanceof AwsServiceException e) {
            diagnose(client, operation, key, context, tokens, e)
                .whenComplete((ex, never) -> result.completeExceptionally(ex));
          } else if (cause instanceof SdkException e) {
            result.completeExceptionally(
                shared.noAnswer(endpointOverride(client), operation, key, context, tokens, e));
          } else {
            result.completeExceptionally(cause);
          }
        });
    return result;
  }

  /** {@link KmsCalls#diagnosed} after asking, without blocking, what it needs to know. */
  private CompletableFuture<KmsKeyProviderException> diagnose(
      KmsAsyncClient client,
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      AwsServiceException e) {
    CompletableFuture<KmsDiagnosis.KeyFacts> facts =
        shared.needsKeyFacts(KmsCalls.errorCode(e))
            ? describeKey(client, key, tokens)
            : CompletableFuture.completedFuture(KmsDiagnosis.KeyFacts.notAsked());
    CompletableFuture<String> callerAccount =
        KmsDiagnosis.callerArn(KmsCalls.errorMessage(e)) != null || shared.callerAccountId() != null
            ? CompletableFuture.completedFuture(shared.callerAccountId())
            : callerAccount(client);
    return facts.thenCombine(
        callerAccount,
        (f, account) -> shared.diagnosed(operation, key, context, tokens, e, f, account));
  }

  private static CompletableFuture<KmsDiagnosis.KeyFacts> describeKey(
      KmsAsyncClient client, KmsArn key, List<String> tokens) {
    CompletableFuture<KmsDiagnosis.KeyFacts> facts;
    try {
      facts =
          client
              .describeKey(b -> b.keyId(key.toString()).grantTokens(tokens))
              .thenApply(KmsCalls::keyFacts);
    } catch (RuntimeException e) {
      facts = CompletableFuture.failedFuture(e);
    }
    return facts.exceptionally(failure -> KmsCalls.describeKeyFailed(unwrap(failure)));
  }

  private static CompletableFuture<String> callerAccount(KmsAsyncClient client) {
    try {
      return client
          .serviceClientConfiguration()
          .credentialsProvider()
          .resolveIdentity()
          .thenApply(id -> KmsDiagnosis.accountFromAccessKeyId(id.accessKeyId()))
          .exceptionally(failure -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private static Optional<URI> endpointOverride(KmsAsyncClient client) {
    try {
      return client.serviceClientConfiguration().endpointOverride();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
