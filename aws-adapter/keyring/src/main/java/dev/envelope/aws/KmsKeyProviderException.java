package dev.envelope.aws;

import dev.envelope.KeyProviderException;
import java.util.Optional;

/**
 * AWS KMS refused or failed a request a {@link KmsKeyring} made. Keeps what is needed to act on the
 * failure or to find it in CloudTrail: the KMS error code ({@code AccessDeniedException}, {@code
 * DisabledException}, ...), the request id, the operation, the key ARN and the Region. The message
 * adds a short explanation of the likely causes and what to check, worked out from the request and,
 * when allowed, {@code DescribeKey}.
 *
 * <p>The message never contains plaintext or key bytes. The AWS SDK exception, when there was one,
 * is the cause.
 */
public class KmsKeyProviderException extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  private final String errorCode;
  private final String requestId;
  private final String operation;
  private final String keyArn;
  private final String region;
  private final int statusCode;
  private final String explanation;

  KmsKeyProviderException(
      String summary,
      String errorCode,
      String requestId,
      String operation,
      String keyArn,
      String region,
      int statusCode,
      String explanation,
      Throwable cause) {
    super(compose(summary, explanation), cause);
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.operation = operation;
    this.keyArn = keyArn;
    this.region = region;
    this.statusCode = statusCode;
    this.explanation = explanation;
  }

  private static String compose(String summary, String explanation) {
    return explanation == null || explanation.isEmpty() ? summary : summary + "\n" + explanation;
  }

  /** The KMS error code, such as {@code AccessDeniedException}; empty when KMS did not answer. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The KMS request id (also in CloudTrail); empty when KMS did not answer. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The KMS operation, such as {@code Decrypt} or {@code GenerateDataKey}. */
  public String operation() {
    return operation;
  }

  /** The key ARN (or alias ARN) the request named. */
  public String keyArn() {
    return keyArn;
  }

  /** The Region the request was sent to. */
  public String region() {
    return region;
  }

  /** The HTTP status of KMS's answer, or 0 when there was none. */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The diagnosis: likely causes and what to check, one per line; empty if there is nothing to add.
   */
  public String explanation() {
    return explanation == null ? "" : explanation;
  }
}
