package dev.envelope.benchmarks.kms;

/**
 * Many small files encrypted as streams through a data-key cache against the rate-limited local
 * KMS: with no length declared, every stream bypasses the cache (as in the AWS Encryption SDK) and
 * costs one {@code GenerateDataKey}; with {@code encryptingStream(sink, context, expectedLength)}
 * the cache serves it and reserves the declared bytes.
 *
 * @param lengthDeclared whether the streams were opened with their length
 * @param threads caller threads
 * @param seconds wall time of the point
 * @param files files (streams) encrypted completely
 * @param fileSize plaintext bytes per file
 * @param maxMessages the cache's messages per data key
 * @param kmsCalls GenerateDataKey requests KMS answered successfully (from its audit log)
 * @param kmsThrottled requests KMS answered with ThrottlingException (retried by the AWS SDK)
 * @param errors files that failed (throttling that survived the retries, or anything else)
 */
public record SmallFilesPoint(
    boolean lengthDeclared,
    int threads,
    double seconds,
    long files,
    int fileSize,
    long maxMessages,
    long kmsCalls,
    long kmsThrottled,
    long errors) {

  public double filesPerSecond() {
    return seconds > 0 ? files / seconds : 0;
  }

  /** Successful KMS calls per thousand files. */
  public double kmsCallsPerThousandFiles() {
    return files == 0 ? 0 : kmsCalls * 1000.0 / files;
  }
}
