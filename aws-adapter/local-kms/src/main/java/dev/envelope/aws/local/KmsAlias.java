package dev.envelope.aws.local;

import java.time.Instant;

/** An alias: a name in one account and Region pointing at one key of that account and Region. */
final class KmsAlias {
  final String name;
  final String accountId;
  final String region;
  final String arn;
  final Instant creationDate;
  volatile String targetKeyId;
  volatile Instant lastUpdatedDate;

  KmsAlias(String name, String accountId, String region, String targetKeyId, Instant now) {
    this.name = name;
    this.accountId = accountId;
    this.region = region;
    this.arn = arn(region, accountId, name);
    this.creationDate = now;
    this.targetKeyId = targetKeyId;
    this.lastUpdatedDate = now;
  }

  static String arn(String region, String accountId, String aliasName) {
    return "arn:aws:kms:" + region + ":" + accountId + ":" + aliasName;
  }
}
