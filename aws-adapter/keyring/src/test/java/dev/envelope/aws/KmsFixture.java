package dev.envelope.aws;

import dev.envelope.aws.local.KeyConfig;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A local KMS with two accounts and the keys the keyring tests need, and client suppliers that
 * reach it over HTTP with the real {@link KmsClient}.
 */
final class KmsFixture implements AutoCloseable {
  static final String A = "111122223333";
  static final String B = "444455556666";
  static final String EAST = "us-east-1";
  static final String WEST = "us-west-2";
  static final String APP = "arn:aws:iam::" + A + ":role/App";
  static final String ADMIN = "arn:aws:iam::" + A + ":role/Admin";
  static final String GRANTEE = "arn:aws:iam::" + A + ":role/Grantee";

  static final String K1 = key(A, "aaaaaaaa-0000-4000-8000-000000000001");
  static final String K2 = key(A, "aaaaaaaa-0000-4000-8000-000000000002");
  static final String DISABLED = key(A, "aaaaaaaa-0000-4000-8000-000000000003");
  static final String GRANTS = key(A, "aaaaaaaa-0000-4000-8000-000000000004");
  static final String EC = key(A, "aaaaaaaa-0000-4000-8000-000000000005");
  static final String TOGGLE1 = key(A, "aaaaaaaa-0000-4000-8000-000000000006");
  static final String TOGGLE2 = key(A, "aaaaaaaa-0000-4000-8000-000000000007");
  static final String ALIAS_K1 = "arn:aws:kms:" + EAST + ":" + A + ":alias/app";
  static final String MRK_ID = "mrk-0123456789abcdef0123456789abcdef";
  static final String MRK_EAST = "arn:aws:kms:" + EAST + ":" + A + ":key/" + MRK_ID;
  static final String MRK_WEST = "arn:aws:kms:" + WEST + ":" + A + ":key/" + MRK_ID;
  static final String B_KEY = key(B, "b0000000-0000-4000-8000-000000000001");

  /** Account B's application role: its IAM policy allows the crypto operations on any key. */
  static final String B_APP = "arn:aws:iam::" + B + ":role/App";

  /** Account B's role without any IAM policy. */
  static final String B_NO_IAM = "arn:aws:iam::" + B + ":role/NoIam";

  /**
   * A key of account A in us-west-2 whose key policy also allows account B GenerateDataKey and
   * Decrypt.
   */
  static final String SHARED =
      "arn:aws:kms:" + WEST + ":" + A + ":key/aaaaaaaa-0000-4000-8000-000000000008";

  private static final String CRYPTO =
      "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:GenerateDataKey*\",\"kms:ReEncrypt*\","
          + "\"kms:DescribeKey\"]";

  final LocalKms kms;
  private final java.util.List<AutoCloseable> suppliers = new java.util.ArrayList<>();

  KmsFixture() {
    String iamAll = policy("{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}");
    String iamCrypto =
        policy("{\"Effect\":\"Allow\",\"Action\":" + CRYPTO + ",\"Resource\":\"*\"}");
    String adminOnly =
        policy(
            "{\"Sid\":\"Admin\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + ADMIN
                + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}");
    String tenantOnly =
        policy(
            "{\"Sid\":\"Admin\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + ADMIN
                + "\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"Tenant\",\"Effect\":\"Allow\",\"Principal\":"
                + "{\"AWS\":\""
                + APP
                + "\"},\"Action\":"
                + CRYPTO
                + ",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                + "{\"kms:EncryptionContext:tenant\":\"acme\"}}}");
    String sharedWithB =
        policy(
            "{\"Sid\":\"Owner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::"
                + A
                + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"AccountB\","
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                + B
                + ":root\"},\"Action\":"
                + "[\"kms:GenerateDataKey\",\"kms:Decrypt\"],\"Resource\":\"*\"}");
    LocalKmsConfig config =
        LocalKmsConfig.builder()
            .principal(PrincipalConfig.of("A_APP", APP, iamCrypto))
            .principal(PrincipalConfig.of("A_ADMIN", ADMIN, iamAll))
            .principal(PrincipalConfig.of("A_GRANTEE", GRANTEE))
            .principal(PrincipalConfig.of("B_APP", B_APP, iamCrypto))
            .principal(PrincipalConfig.of("B_NO_IAM", B_NO_IAM))
            .key(KeyConfig.builder().keyId(id(K1)).accountId(A).alias("alias/app").build())
            .key(KeyConfig.builder().keyId(id(K2)).accountId(A).build())
            .key(
                KeyConfig.builder()
                    .keyId(id(DISABLED))
                    .accountId(A)
                    .state(KeyConfig.State.DISABLED)
                    .build())
            .key(KeyConfig.builder().keyId(id(GRANTS)).accountId(A).policy(adminOnly).build())
            .key(KeyConfig.builder().keyId(id(EC)).accountId(A).policy(tenantOnly).build())
            .key(KeyConfig.builder().keyId(id(TOGGLE1)).accountId(A).build())
            .key(KeyConfig.builder().keyId(id(TOGGLE2)).accountId(A).build())
            .key(
                KeyConfig.builder()
                    .keyId(MRK_ID)
                    .accountId(A)
                    .multiRegion(true)
                    .replicaRegion(WEST)
                    .build())
            // Account B's key keeps the default key policy: it trusts account B only.
            .key(KeyConfig.builder().keyId(id(B_KEY)).accountId(B).build())
            .key(
                KeyConfig.builder()
                    .keyId(id(SHARED))
                    .accountId(A)
                    .region(WEST)
                    .policy(sharedWithB)
                    .build())
            .build();
    this.kms = LocalKms.start(config);
  }

  static String key(String account, String id) {
    return "arn:aws:kms:" + EAST + ":" + account + ":key/" + id;
  }

  static String id(String arn) {
    return arn.substring(arn.indexOf("key/") + 4);
  }

  private static String policy(String statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
  }

  /**
   * Clients for {@code accessKeyId} in every Region, with fast retries so that tests stay quick.
   */
  CachingKmsClientSupplier clients(String accessKeyId) {
    return clients(
        accessKeyId,
        CachingKmsClientSupplier.builder()
            .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(20))));
  }

  CachingKmsClientSupplier clients(String accessKeyId, CachingKmsClientSupplier.Builder builder) {
    CachingKmsClientSupplier s =
        builder
            .endpointOverride(kms.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, "unused-secret")))
            .build();
    suppliers.add(s);
    return s;
  }

  /** Asynchronous (Netty) clients for {@code accessKeyId} in every Region, with fast retries. */
  CachingKmsAsyncClientSupplier asyncClients(String accessKeyId) {
    return asyncClients(
        accessKeyId,
        CachingKmsAsyncClientSupplier.builder()
            .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(20))));
  }

  CachingKmsAsyncClientSupplier asyncClients(
      String accessKeyId, CachingKmsAsyncClientSupplier.Builder builder) {
    CachingKmsAsyncClientSupplier s =
        builder
            .endpointOverride(kms.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, "unused-secret")))
            .build();
    suppliers.add(s);
    return s;
  }

  KmsClient admin() {
    return kms.kmsClientFor("A_ADMIN");
  }

  @Override
  public void close() {
    for (AutoCloseable s : suppliers) {
      try {
        s.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    kms.close();
  }
}
