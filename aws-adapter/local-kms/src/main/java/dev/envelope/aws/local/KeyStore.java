package dev.envelope.aws.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All keys and aliases of all accounts and Regions, and the KMS rules for naming them. Lookups are
 * lock-free; the operations class serializes mutations.
 */
final class KeyStore {
  private static final Pattern KEY_ARN =
      Pattern.compile("arn:aws:kms:([a-z0-9-]+):(\\d{12}):key/(.+)");
  private static final Pattern ALIAS_ARN =
      Pattern.compile("arn:aws:kms:([a-z0-9-]+):(\\d{12}):(alias/.+)");

  /** A resolved KeyId parameter: the key, and the alias name if the caller named it by alias. */
  record Resolved(KmsKey key, String requestAlias) {}

  private final Map<String, KmsKey> keysByArn = new ConcurrentHashMap<>();
  private final Map<String, KmsAlias> aliasesByArn = new ConcurrentHashMap<>();

  void put(KmsKey key) {
    keysByArn.put(key.arn, key);
  }

  KmsKey find(String region, String accountId, String keyId) {
    return keysByArn.get(KmsKey.arn(region, accountId, keyId));
  }

  KmsAlias alias(String region, String accountId, String aliasName) {
    return aliasesByArn.get(KmsAlias.arn(region, accountId, aliasName));
  }

  void putAlias(KmsAlias alias) {
    aliasesByArn.put(alias.arn, alias);
  }

  void removeAlias(KmsAlias alias) {
    aliasesByArn.remove(alias.arn);
  }

  Iterable<KmsKey> allKeys() {
    return keysByArn.values();
  }

  List<KmsKey> keys(String region, String accountId) {
    List<KmsKey> out = new ArrayList<>();
    for (KmsKey k : keysByArn.values()) {
      if (k.region.equals(region) && k.accountId.equals(accountId)) {
        out.add(k);
      }
    }
    out.sort(Comparator.comparing(k -> k.keyId));
    return out;
  }

  List<KmsAlias> aliases(String region, String accountId) {
    List<KmsAlias> out = new ArrayList<>();
    for (KmsAlias a : aliasesByArn.values()) {
      if (a.region.equals(region) && a.accountId.equals(accountId)) {
        out.add(a);
      }
    }
    out.sort(Comparator.comparing(a -> a.name));
    return out;
  }

  /**
   * Resolves a KeyId parameter as KMS does, for a caller in {@code callerAccount} talking to the
   * {@code region} endpoint. A bare key id or alias name is always looked up in the caller's own
   * account; only a key ARN or alias ARN can name another account's key, and only for operations
   * that allow cross-account use. ARNs of another Region are not found: each Region is its own
   * endpoint.
   *
   * @param allowAliases false for parameters that take only a key id or key ARN (TargetKeyId)
   */
  Resolved resolve(
      String keyIdParam,
      String callerAccount,
      String region,
      boolean crossAccount,
      boolean allowAliases) {
    String account;
    String keyId;
    String aliasName = null;
    if (keyIdParam.startsWith("arn:")) {
      Matcher k = KEY_ARN.matcher(keyIdParam);
      Matcher a = ALIAS_ARN.matcher(keyIdParam);
      if (k.matches()) {
        checkRegion(k.group(1), region, keyIdParam);
        account = k.group(2);
        keyId = k.group(3);
      } else if (a.matches() && allowAliases) {
        checkRegion(a.group(1), region, keyIdParam);
        account = a.group(2);
        aliasName = a.group(3);
        keyId = null;
      } else {
        throw KmsException.notFound("Invalid keyId " + keyIdParam);
      }
      if (!account.equals(callerAccount) && !crossAccount) {
        // The operation cannot be used across accounts at all: the key policy is never consulted.
        throw KmsException.accessDenied(
            "Cross-account use of this operation is not supported: " + keyIdParam);
      }
    } else if (keyIdParam.startsWith("alias/")) {
      if (!allowAliases) {
        throw KmsException.notFound("Invalid keyId " + keyIdParam);
      }
      account = callerAccount;
      aliasName = keyIdParam;
      keyId = null;
    } else {
      account = callerAccount;
      keyId = keyIdParam;
    }
    if (aliasName != null) {
      KmsAlias alias = alias(region, account, aliasName);
      if (alias == null) {
        throw KmsException.notFound(
            "Alias " + KmsAlias.arn(region, account, aliasName) + " is not found.");
      }
      keyId = alias.targetKeyId;
    }
    KmsKey key = find(region, account, keyId);
    if (key == null) {
      throw KmsException.notFound(
          "Key '" + KmsKey.arn(region, account, keyId) + "' does not exist");
    }
    return new Resolved(key, aliasName);
  }

  private static void checkRegion(String arnRegion, String region, String arn) {
    if (!arnRegion.equals(region)) {
      throw KmsException.notFound("Invalid arn " + arn + ": the request was sent to " + region);
    }
  }
}
