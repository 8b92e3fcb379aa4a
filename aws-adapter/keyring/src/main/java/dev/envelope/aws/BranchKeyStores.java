package dev.envelope.aws;

import java.util.List;

/**
 * What the branch key store builders share: the KMS key check, the KMS calls, and description
 * helpers.
 */
final class BranchKeyStores {
  private BranchKeyStores() {}

  /**
   * The configured KMS key: a key ARN, as the specification requires (an alias could change its
   * key).
   */
  static KmsArn kmsKey(String kmsKeyArn) {
    if (kmsKeyArn == null) {
      throw new IllegalArgumentException(
          "kmsKeyArn is required: the KMS key that wraps the branch keys");
    }
    KmsArn key;
    try {
      key = KmsArn.parse(kmsKeyArn);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kmsKeyArn must be a KMS key ARN: " + e.getMessage(), e);
    }
    if (!key.isKey()) {
      throw new IllegalArgumentException("kmsKeyArn must be a key ARN, not an alias: " + key);
    }
    return key;
  }

  static KmsCalls kmsCalls(KmsClientSupplier clients, List<String> grantTokens) {
    KmsClientSupplier supplier = clients != null ? clients : DefaultClients.INSTANCE;
    List<String> tokens = List.copyOf(grantTokens);
    return new KmsCalls(supplier, () -> tokens, true, null);
  }

  /** A JDBC URL without its parameters, which may hold a password. */
  static String withoutJdbcParameters(String url) {
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int i = url.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    String base = url.substring(0, cut);
    int at = base.indexOf('@');
    int scheme = base.indexOf("//");
    if (at > 0 && scheme >= 0 && at > scheme) {
      base = base.substring(0, scheme + 2) + base.substring(at + 1); // user:password@host
    }
    return base;
  }

  /** Shared default clients, made only when a store without its own supplier is built. */
  private static final class DefaultClients {
    static final KmsClientSupplier INSTANCE = CachingKmsClientSupplier.builder().build();
  }
}
