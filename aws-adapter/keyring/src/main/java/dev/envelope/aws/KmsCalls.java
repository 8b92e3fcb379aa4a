package dev.envelope.aws;

import dev.envelope.internal.text.UntrustedText;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/**
 * Every KMS request the keyring makes, in one place: which client (by Region), which grant tokens,
 * and how failures become {@link KmsKeyProviderException}s with a diagnosis. Returns raw arrays;
 * the caller owns plaintext arrays and zeroes them.
 */
final class KmsCalls {
  static final int MAX_GRANT_TOKENS = 10;

  private final KmsClientSupplier clients;
  private final Supplier<List<String>> grantTokens;
  private final boolean describeKeyOnFailure;
  private final String callerAccountId;
  private final KmsMetrics metrics;

  KmsCalls(
      KmsClientSupplier clients,
      Supplier<List<String>> grantTokens,
      boolean describeKeyOnFailure,
      String callerAccountId) {
    this(clients, grantTokens, describeKeyOnFailure, callerAccountId, KmsMetrics.NONE);
  }

  KmsCalls(
      KmsClientSupplier clients,
      Supplier<List<String>> grantTokens,
      boolean describeKeyOnFailure,
      String callerAccountId,
      KmsMetrics metrics) {
    this.clients = clients;
    this.grantTokens = grantTokens;
    this.describeKeyOnFailure = describeKeyOnFailure;
    this.callerAccountId = callerAccountId;
    this.metrics = metrics;
  }

  KmsMetrics metrics() {
    return metrics;
  }

  /**
   * What KMS returned: the key ARN it used, the ciphertext, and (for generate and decrypt) the
   * plaintext.
   */
  record Result(String keyId, byte[] plaintext, byte[] ciphertext) {}

  Result generateDataKey(KmsArn key, int numberOfBytes, Map<String, String> context) {
    List<String> tokens = tokens();
    return call(
        "GenerateDataKey",
        key,
        context,
        tokens,
        client -> {
          GenerateDataKeyResponse r =
              client.generateDataKey(
                  b ->
                      b.keyId(key.toString())
                          .numberOfBytes(numberOfBytes)
                          .encryptionContext(context)
                          .grantTokens(tokens)
                          .overrideConfiguration(metrics.requestOverride("GenerateDataKey", key)));
          return new Result(r.keyId(), unsafeBytes(r.plaintext()), bytes(r.ciphertextBlob()));
        });
  }

  Result encrypt(KmsArn key, byte[] plaintext, Map<String, String> context) {
    List<String> tokens = tokens();
    return call(
        "Encrypt",
        key,
        context,
        tokens,
        client -> {
          // fromByteArrayUnsafe: no extra copy of the data key; the call is synchronous and the SDK
          // keeps no reference once it returns.
          EncryptResponse r =
              client.encrypt(
                  b ->
                      b.keyId(key.toString())
                          .plaintext(SdkBytes.fromByteArrayUnsafe(plaintext))
                          .encryptionContext(context)
                          .grantTokens(tokens)
                          .overrideConfiguration(metrics.requestOverride("Encrypt", key)));
          return new Result(r.keyId(), null, bytes(r.ciphertextBlob()));
        });
  }

  Result decrypt(KmsArn key, byte[] ciphertext, Map<String, String> context) {
    List<String> tokens = tokens();
    return call(
        "Decrypt",
        key,
        context,
        tokens,
        client -> {
          DecryptResponse r =
              client.decrypt(
                  b ->
                      b.keyId(key.toString())
                          .ciphertextBlob(SdkBytes.fromByteArrayUnsafe(ciphertext))
                          .encryptionContext(context)
                          .grantTokens(tokens)
                          .overrideConfiguration(metrics.requestOverride("Decrypt", key)));
          return new Result(r.keyId(), unsafeBytes(r.plaintext()), null);
        });
  }

  /** For branch keys: a data key that never leaves KMS in plaintext here. */
  Result generateDataKeyWithoutPlaintext(
      KmsArn key, int numberOfBytes, Map<String, String> context) {
    List<String> tokens = tokens();
    return call(
        "GenerateDataKeyWithoutPlaintext",
        key,
        context,
        tokens,
        client -> {
          GenerateDataKeyWithoutPlaintextResponse r =
              client.generateDataKeyWithoutPlaintext(
                  b ->
                      b.keyId(key.toString())
                          .numberOfBytes(numberOfBytes)
                          .encryptionContext(context)
                          .grantTokens(tokens)
                          .overrideConfiguration(
                              metrics.requestOverride("GenerateDataKeyWithoutPlaintext", key)));
          return new Result(r.keyId(), null, bytes(r.ciphertextBlob()));
        });
  }

  /**
   * ReEncrypt from {@code source} under {@code sourceContext} to {@code destination} under {@code
   * destinationContext}; the plaintext stays inside KMS. Failures are reported against the
   * destination key, with the source context's keys (the one a denial most often depends on).
   */
  Result reEncrypt(
      KmsArn source,
      Map<String, String> sourceContext,
      byte[] ciphertext,
      KmsArn destination,
      Map<String, String> destinationContext) {
    List<String> tokens = tokens();
    return call(
        "ReEncrypt",
        destination,
        sourceContext,
        tokens,
        client -> {
          ReEncryptResponse r =
              client.reEncrypt(
                  b ->
                      b.sourceKeyId(source.toString())
                          .sourceEncryptionContext(sourceContext)
                          .ciphertextBlob(SdkBytes.fromByteArrayUnsafe(ciphertext))
                          .destinationKeyId(destination.toString())
                          .destinationEncryptionContext(destinationContext)
                          .grantTokens(tokens)
                          .overrideConfiguration(
                              metrics.requestOverride("ReEncrypt", destination)));
          return new Result(r.keyId(), null, bytes(r.ciphertextBlob()));
        });
  }

  private interface KmsCall {
    Result apply(KmsClient client);
  }

  private Result call(
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      KmsCall call) {
    KmsClient client;
    try {
      client = clients.client(key.region());
    } catch (RuntimeException e) {
      throw noClient(operation, key, e);
    }
    Objects.requireNonNull(client, "client supplier returned null for Region " + key.region());
    KmsMetrics.Timing timing = metrics.start(operation, key.region());
    try {
      Result result = call.apply(client);
      timing.succeeded();
      return result;
    } catch (AwsServiceException e) {
      timing.failed(e);
      throw failure(client, operation, key, context, tokens, e);
    } catch (SdkException e) {
      timing.failed(e);
      throw noAnswer(endpointOverride(client), operation, key, context, tokens, e);
    } catch (RuntimeException | Error e) {
      timing.failed(e);
      throw e;
    }
  }

  static KmsKeyProviderException noClient(String operation, KmsArn key, RuntimeException e) {
    return new KmsKeyProviderException(
        "no KMS client for Region "
            + key.region()
            + " ("
            + operation
            + " with "
            + key
            + "): "
            + EndpointText.withoutUserInfo(e.getMessage(), null),
        null,
        null,
        operation,
        key.toString(),
        key.region(),
        0,
        "",
        e);
  }

  /**
   * The request got no answer from KMS: the endpoint could not be reached or did not answer in
   * time, or the SDK failed before sending (credentials). Nothing is known about permissions or the
   * key, so the diagnosis must not guess at them.
   */
  KmsKeyProviderException noAnswer(
      Optional<URI> override,
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      SdkException e) {
    String endpoint =
        override.map(EndpointText::of).orElse("the default KMS endpoint of " + key.region());
    // The SDK may quote the endpoint in its own message too.
    String cause = EndpointText.withoutUserInfo(e.getMessage(), override.orElse(null));
    KmsDiagnosis.Request request = request(operation, key, context, tokens);
    String summary =
        KmsDiagnosis.unreachable(e)
            ? "KMS "
                + operation
                + " with "
                + key
                + ": could not reach KMS at "
                + endpoint
                + " (Region "
                + key.region()
                + "): "
                + KmsDiagnosis.noAnswerCause(e)
                + " ["
                + cause
                + "]"
            : "KMS "
                + operation
                + " with "
                + key
                + " in "
                + key.region()
                + " failed before KMS answered: "
                + cause;
    return new KmsKeyProviderException(
        summary,
        null,
        null,
        operation,
        key.toString(),
        key.region(),
        0,
        KmsDiagnosis.explainNoAnswer(request, endpoint, e),
        e);
  }

  /** The client's endpoint override, if it has one (and says so). */
  static Optional<URI> endpointOverride(KmsClient client) {
    try {
      return client.serviceClientConfiguration().endpointOverride();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private KmsKeyProviderException failure(
      KmsClient client,
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      AwsServiceException e) {
    String code = errorCode(e);
    KmsDiagnosis.KeyFacts facts =
        needsKeyFacts(code) ? describeKey(client, key, tokens) : KmsDiagnosis.KeyFacts.notAsked();
    String callerAccount =
        KmsDiagnosis.callerArn(errorMessage(e)) == null ? callerAccount(client) : callerAccountId;
    return diagnosed(operation, key, context, tokens, e, facts, callerAccount);
  }

  static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
  }

  static String errorMessage(AwsServiceException e) {
    return e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
  }

  /**
   * The exception for KMS's answer {@code e}, with the diagnosis from the request, the answer, what
   * DescribeKey said ({@code facts}) and the caller's account; shared by the blocking and
   * asynchronous calls, which differ only in how they ask for the facts.
   */
  KmsKeyProviderException diagnosed(
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      AwsServiceException e,
      KmsDiagnosis.KeyFacts facts,
      String callerAccount) {
    String code = errorCode(e);
    String message = errorMessage(e);
    KmsDiagnosis.Request request = request(operation, key, context, tokens, callerAccount);
    String explanation = KmsDiagnosis.explain(request, code, message, facts);
    // Code, request id and message are the answer of whatever is at the endpoint: shown escaped and
    // capped.
    String summary =
        "KMS "
            + operation
            + " with "
            + key
            + " in "
            + key.region()
            + " failed: "
            + UntrustedText.printable(code, 100)
            + " (request id "
            + UntrustedText.printable(e.requestId(), 100)
            + ", HTTP "
            + e.statusCode()
            + ")"
            + (message != null && !message.isEmpty()
                ? ": " + EndpointText.withoutUserInfo(message, null)
                : "");
    return new KmsKeyProviderException(
        summary,
        code,
        e.requestId(),
        operation,
        key.toString(),
        key.region(),
        e.statusCode(),
        explanation,
        e);
  }

  boolean needsKeyFacts(String code) {
    return describeKeyOnFailure
        && code != null
        && switch (code) {
          case "AccessDeniedException",
              "DisabledException",
              "KMSInvalidStateException",
              "InvalidKeyUsageException" ->
              true;
          default -> false;
        };
  }

  /** DescribeKey for the diagnosis only; its own failure becomes a note, never an exception. */
  private KmsDiagnosis.KeyFacts describeKey(KmsClient client, KmsArn key, List<String> tokens) {
    try {
      return keyFacts(client.describeKey(b -> b.keyId(key.toString()).grantTokens(tokens)));
    } catch (SdkException e) {
      return describeKeyFailed(e);
    }
  }

  static KmsDiagnosis.KeyFacts keyFacts(DescribeKeyResponse r) {
    KeyMetadata m = r.keyMetadata();
    return new KmsDiagnosis.KeyFacts(
        answer(m.arn()),
        answer(m.keyStateAsString()),
        m.enabled(),
        answer(m.keyManagerAsString()),
        answer(m.keyUsageAsString()),
        answer(m.keySpecAsString()),
        m.multiRegion(),
        m.deletionDate(),
        null);
  }

  /** The note for a DescribeKey (asked for a diagnosis) that failed too. */
  static KmsDiagnosis.KeyFacts describeKeyFailed(Throwable failure) {
    if (failure instanceof AwsServiceException e) {
      String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "error";
      return KmsDiagnosis.KeyFacts.unavailable(
          "DescribeKey, asked for this diagnosis, failed too ("
              + answer(code)
              + ", request id "
              + answer(e.requestId())
              + ")"
              + ("AccessDeniedException".equals(code)
                  ? ": usual when the caller lacks kms:DescribeKey, for example across accounts; key state unknown."
                  : "; key state unknown."));
    }
    return KmsDiagnosis.KeyFacts.unavailable(
        "DescribeKey, asked for this diagnosis, failed too ("
            + failure.getClass().getSimpleName()
            + "); key state unknown.");
  }

  KmsDiagnosis.Request request(
      String operation, KmsArn key, Map<String, String> context, List<String> tokens) {
    return request(operation, key, context, tokens, callerAccountId);
  }

  private static KmsDiagnosis.Request request(
      String operation,
      KmsArn key,
      Map<String, String> context,
      List<String> tokens,
      String callerAccount) {
    return new KmsDiagnosis.Request(
        operation, key.toString(), key.region(), context.keySet(), tokens.size(), callerAccount);
  }

  /**
   * The caller's account without asking STS: the configured one, else decoded from the access key
   * id of the client's credentials (null when neither works). Only used when KMS's own message does
   * not name the caller.
   */
  private String callerAccount(KmsClient client) {
    return callerAccountId != null
        ? callerAccountId
        : callerAccountFrom(client.serviceClientConfiguration().credentialsProvider());
  }

  /** The configured caller account, if any. */
  String callerAccountId() {
    return callerAccountId;
  }

  /** The account of the credentials {@code provider} resolves to, or null. */
  static String callerAccountFrom(
      software.amazon.awssdk.identity.spi.IdentityProvider<
              ? extends software.amazon.awssdk.identity.spi.AwsCredentialsIdentity>
          provider) {
    try {
      String accessKeyId = provider.resolveIdentity().join().accessKeyId();
      return KmsDiagnosis.accountFromAccessKeyId(accessKeyId);
    } catch (RuntimeException e) {
      return null; // credentials unavailable: the diagnosis does without
    }
  }

  /** The tokens for one request, validated each time because a supplier may change them. */
  List<String> tokens() {
    List<String> tokens = grantTokens.get();
    return validateGrantTokens(tokens == null ? List.of() : tokens);
  }

  static List<String> validateGrantTokens(List<String> tokens) {
    if (tokens.size() > MAX_GRANT_TOKENS) {
      throw new IllegalArgumentException(
          "KMS accepts at most "
              + MAX_GRANT_TOKENS
              + " grant tokens per request, got "
              + tokens.size()
              + "; pass only the tokens of grants that have not propagated yet");
    }
    for (String t : tokens) {
      if (t == null || t.isEmpty()) {
        throw new IllegalArgumentException("grant tokens must be non-empty strings");
      }
    }
    return List.copyOf(tokens);
  }

  /** A field of a service's answer as diagnoses quote it: escaped and capped; null stays null. */
  private static String answer(String s) {
    return s == null ? null : UntrustedText.printable(s, 128);
  }

  static byte[] bytes(SdkBytes b) {
    return b == null ? null : b.asByteArray();
  }

  /**
   * The response's own array where possible, so that zeroing it leaves no copy of the key in the
   * response.
   */
  static byte[] unsafeBytes(SdkBytes b) {
    return b == null ? null : b.asByteArrayUnsafe();
  }
}
