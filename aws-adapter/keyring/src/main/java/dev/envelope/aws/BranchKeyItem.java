package dev.envelope.aws;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One record of a branch key store, as the AWS Material Providers Library's key store lays it out:
 * string attributes ({@code branch-key-id}, {@code type}, {@code create-time}, {@code kms-arn},
 * {@code hierarchy-version}, {@code version} on the active record, {@code aws-crypto-ec:*} for the
 * custom context, and whatever else the record carries) and {@code enc}, the key wrapped by KMS.
 * Every attribute but {@code enc}, plus {@code tablename}, is the KMS encryption context of {@code
 * enc}.
 */
record BranchKeyItem(Map<String, String> attributes, byte[] enc) {
  static final String BRANCH_KEY_ID = "branch-key-id";
  static final String TYPE = "type";
  static final String VERSION = "version";
  static final String ENC = "enc";
  static final String KMS_ARN = "kms-arn";
  static final String CREATE_TIME = "create-time";
  static final String HIERARCHY_VERSION = "hierarchy-version";

  /** Only in the KMS encryption context, never stored: the logical key store name. */
  static final String TABLE_NAME = "tablename";

  static final String CUSTOM_PREFIX = "aws-crypto-ec:";

  static final String TYPE_ACTIVE = "branch:ACTIVE";
  static final String TYPE_BEACON = "beacon:ACTIVE";
  static final String VERSION_PREFIX = "branch:version:";
  static final String HIERARCHY_VERSION_1 = "1";

  BranchKeyItem {
    attributes = Map.copyOf(attributes);
    enc = enc.clone();
  }

  /**
   * A record to write: the standard attributes, {@code version} for active records, and the custom
   * context.
   */
  static BranchKeyItem of(
      String branchKeyId,
      String type,
      String activeVersion,
      String createTime,
      String kmsArn,
      Map<String, String> customContext,
      byte[] enc) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(BRANCH_KEY_ID, branchKeyId);
    a.put(TYPE, type);
    if (activeVersion != null) {
      a.put(VERSION, VERSION_PREFIX + activeVersion);
    }
    a.put(CREATE_TIME, createTime);
    a.put(KMS_ARN, kmsArn);
    a.put(HIERARCHY_VERSION, HIERARCHY_VERSION_1);
    customContext.forEach((k, v) -> a.put(CUSTOM_PREFIX + k, v));
    return new BranchKeyItem(a, enc == null ? new byte[0] : enc);
  }

  BranchKeyItem withEnc(byte[] newEnc) {
    return new BranchKeyItem(attributes, newEnc);
  }

  String branchKeyId() {
    return attributes.get(BRANCH_KEY_ID);
  }

  String type() {
    return attributes.get(TYPE);
  }

  String kmsArn() {
    return attributes.get(KMS_ARN);
  }

  String createTime() {
    return attributes.get(CREATE_TIME);
  }

  /**
   * The version UUID: from {@code version} on the active record, from {@code type} on a version
   * record.
   */
  String branchKeyVersion() {
    String v = TYPE_ACTIVE.equals(type()) ? attributes.get(VERSION) : type();
    return v != null && v.startsWith(VERSION_PREFIX) ? v.substring(VERSION_PREFIX.length()) : null;
  }

  /** The custom encryption context, prefix removed. */
  Map<String, String> customContext() {
    Map<String, String> c = new HashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (k.startsWith(CUSTOM_PREFIX)) {
            c.put(k.substring(CUSTOM_PREFIX.length()), v);
          }
        });
    return c;
  }

  /** The KMS encryption context of {@code enc}: every attribute and the logical key store name. */
  Map<String, String> encryptionContext(String logicalKeyStoreName) {
    Map<String, String> c = new HashMap<>(attributes);
    c.put(TABLE_NAME, logicalKeyStoreName);
    return c;
  }

  @Override
  public String toString() {
    return "BranchKeyItem[" + branchKeyId() + ", " + type() + ", enc=" + enc.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BranchKeyItem other
        && attributes.equals(other.attributes)
        && java.util.Arrays.equals(enc, other.enc);
  }

  @Override
  public int hashCode() {
    return 31 * attributes.hashCode() + java.util.Arrays.hashCode(enc);
  }
}
