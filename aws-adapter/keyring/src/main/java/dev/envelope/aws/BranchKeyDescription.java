package dev.envelope.aws;

import java.util.List;
import java.util.Map;

/**
 * What a {@link BranchKeyStore} holds for one branch key, read without KMS: the active version,
 * every version with its creation time, the KMS key that wraps them, and the custom encryption
 * context.
 *
 * @param versions every version, oldest first (by creation time)
 */
public record BranchKeyDescription(
    String branchKeyId,
    String activeVersion,
    String kmsKeyArn,
    Map<String, String> encryptionContext,
    List<Version> versions) {

  public BranchKeyDescription {
    encryptionContext = Map.copyOf(encryptionContext);
    versions = List.copyOf(versions);
  }

  /** One version: its UUID and its creation time as stored (ISO 8601, UTC). */
  public record Version(String version, String createTime) {}
}
