package dev.envelope.aws.local;

import static dev.envelope.aws.local.KmsAssertions.allowRoot;
import static dev.envelope.aws.local.KmsAssertions.assertKmsError;
import static dev.envelope.aws.local.KmsAssertions.policy;
import static dev.envelope.aws.local.KmsAssertions.statement;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * KMS's own checks on a key policy in CreateKey and PutKeyPolicy, over HTTP with the real
 * KmsClient. Each test names the page it follows.
 */
class KeyPolicyValidationTest {
  static final String A = "111122223333";
  static final String ADMIN = "arn:aws:iam::" + A + ":role/Admin";

  static LocalKms kms;
  static KmsClient admin;

  @BeforeAll
  static void start() {
    kms =
        LocalKms.start(
            LocalKmsConfig.builder()
                .principal(
                    PrincipalConfig.of(
                        "ADMIN", ADMIN, policy(statement("All", "Allow", null, "\"kms:*\"", null))))
                .build());
    admin = kms.kmsClientFor("ADMIN");
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  private static void create(String policy) {
    admin.createKey(b -> b.policy(policy));
  }

  private static String keyId() {
    return admin.createKey(b -> {}).keyMetadata().keyId();
  }

  /**
   * Developer guide, "AWS KMS condition keys", kms:EncryptionContext:context-key: "If you create or
   * update a policy that includes a ForAllValues set operator with the
   * kms:EncryptionContext:context-key, AWS KMS returns ... OverlyPermissiveCondition".
   */
  @Test
  void forAllValuesOnEncryptionContextKeyIsOverlyPermissive() {
    String p =
        policy(
            allowRoot(A),
            statement(
                "Use",
                "Allow",
                ADMIN,
                "\"kms:Decrypt\"",
                "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContext:tenant\":\"acme\"}}"));
    assertKmsError(() -> create(p), "MalformedPolicyDocumentException")
        .hasMessageContaining("OverlyPermissiveCondition:EncryptionContext")
        .hasMessageContaining("To fix, remove ForAllValues.");
    String id = keyId();
    assertKmsError(
            () -> admin.putKeyPolicy(b -> b.keyId(id).policy(p)),
            "MalformedPolicyDocumentException")
        .hasMessageContaining("OverlyPermissiveCondition");
    // The same set operator on the multivalued kms:EncryptionContextKeys is what the guide
    // recommends, and is accepted.
    String ok =
        policy(
            allowRoot(A),
            statement(
                "Use",
                "Allow",
                ADMIN,
                "\"kms:Decrypt\"",
                "{\"ForAllValues:StringEquals\":{\"kms:EncryptionContextKeys\":\"tenant\"}}"));
    admin.putKeyPolicy(b -> b.keyId(id).policy(ok));
    assertThat(admin.getKeyPolicy(b -> b.keyId(id)).policy()).isEqualTo(ok);
  }

  /** Same page, "AWS KMS condition keys": the warning names aws:RequestTag/tag-key as well. */
  @Test
  void forAllValuesOnRequestTagIsOverlyPermissive() {
    String p =
        policy(
            allowRoot(A),
            statement(
                "Tag",
                "Allow",
                ADMIN,
                "\"kms:TagResource\"",
                "{\"ForAllValues:StringEquals\":{\"aws:RequestTag/team\":\"blue\"}}"));
    assertKmsError(() -> create(p), "MalformedPolicyDocumentException")
        .hasMessageContaining("OverlyPermissiveCondition:RequestTag");
  }

  /**
   * PutKeyPolicy API reference, Policy: "Each statement in the key policy must contain one or more
   * principals"; KMS answers MalformedPolicyDocumentException "Policy contains a statement with one
   * or more invalid principals." for a principal it cannot use.
   */
  @Test
  void invalidPrincipalsAreRefused() {
    for (String principal :
        new String[] {
          "\"arn:aws:iam::12345:role/Short\"",
          "\"arn:aws:s3:::bucket\"",
          "\"not-an-arn\"",
          "\"arn:aws:iam::" + A + ":role/*\""
        }) {
      String p =
          policy(
              allowRoot(A),
              "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                  + principal
                  + "},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
      assertKmsError(() -> create(p), "MalformedPolicyDocumentException")
          .hasMessageStartingWith(
              "Policy contains a statement with one or more invalid principals.");
    }
    String service =
        policy(
            allowRoot(A),
            "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"Not A Service\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    assertKmsError(() -> create(service), "MalformedPolicyDocumentException")
        .hasMessageContaining("invalid principals");
    String none =
        policy(
            allowRoot(A), "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    assertKmsError(() -> create(none), "MalformedPolicyDocumentException")
        .hasMessageContaining("must contain one or more principals");
  }

  /** IAM User Guide, "IAM JSON policy elements: Condition operators": no such operator. */
  @Test
  void unknownConditionOperatorIsRefused() {
    String p =
        policy(
            allowRoot(A),
            statement(
                "Use",
                "Allow",
                ADMIN,
                "\"kms:Decrypt\"",
                "{\"StringEqualz\":{\"kms:CallerAccount\":\"" + A + "\"}}"));
    assertKmsError(() -> create(p), "MalformedPolicyDocumentException")
        .hasMessageContaining("invalid condition operator")
        .hasMessageContaining("StringEqualz");
  }

  /** Malformed documents: not JSON, no Statement, a bad Effect. */
  @Test
  void malformedDocumentsAreRefused() {
    for (String p :
        new String[] {
          "{\"Version\":\"2012-10-17\",\"Statement\":[",
          "{\"Version\":\"2012-10-17\"}",
          policy(allowRoot(A), statement("X", "Permit", ADMIN, "\"kms:Decrypt\"", null))
        }) {
      assertKmsError(() -> create(p), "MalformedPolicyDocumentException");
    }
  }

  /**
   * Developer guide, "Resource quotas", Key policy document size: "The maximum length of each key
   * policy document is 32 KB (32,768 bytes). If you use a larger policy document ... the operation
   * fails."
   */
  @Test
  void policiesOver32KbAreRefused() {
    String sid = "x".repeat(32_768);
    String p =
        policy(
            allowRoot(A),
            "{\"Sid\":\""
                + sid
                + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + ADMIN
                + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
    assertKmsError(() -> create(p), "LimitExceededException").hasMessageContaining("32768");
  }

  /**
   * Developer guide, "Key policy format": only printable ASCII and Latin-1 characters, tab, line
   * feed and carriage return.
   */
  @Test
  void charactersOutsideLatin1AreRefused() {
    String p =
        policy(
            allowRoot(A),
            statement("Caf\u00e9", "Allow", ADMIN, "\"kms:Decrypt\"", null)); // Latin-1: fine
    create(p);
    String bad =
        policy(allowRoot(A), statement("Key\u2603", "Allow", ADMIN, "\"kms:Decrypt\"", null));
    assertKmsError(() -> create(bad), "MalformedPolicyDocumentException")
        .hasMessageContaining("U+2603");
  }

  /**
   * PutKeyPolicy API reference, BypassPolicyLockoutSafetyCheck and Policy: the policy must allow
   * the calling principal a later PutKeyPolicy; KMS answers "The new key policy will not allow you
   * to update the key policy in the future."
   */
  @Test
  void lockoutSafetyCheck() {
    String other =
        policy(
            statement("Other", "Allow", "arn:aws:iam::" + A + ":role/Someone", "\"kms:*\"", null));
    assertKmsError(() -> create(other), "MalformedPolicyDocumentException")
        .satisfies(
            e ->
                assertThat(
                        ((software.amazon.awssdk.services.kms.model.KmsException) e)
                            .awsErrorDetails()
                            .errorMessage())
                    .isEqualTo(
                        "The new key policy will not allow you to update the key policy in the"
                            + " future."));
    // With BypassPolicyLockoutSafetyCheck, KMS skips the check.
    String id =
        admin
            .createKey(b -> b.policy(other).bypassPolicyLockoutSafetyCheck(true))
            .keyMetadata()
            .keyId();
    assertThat(id).isNotEmpty();
  }

  /**
   * PutKeyPolicy API reference, Policy: "If either of the required Resource or Action elements are
   * missing from a key policy statement, the policy statement has no effect ... the PutKeyPolicy
   * API request succeeds".
   */
  @Test
  void statementWithoutResourceIsAcceptedAndHasNoEffect() {
    String id = keyId();
    String p =
        policy(
            allowRoot(A),
            "{\"Sid\":\"NoResource\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\""
                + ADMIN
                + "\"},\"Action\":\"kms:DescribeKey\"}");
    admin.putKeyPolicy(b -> b.keyId(id).policy(p));
    // The Deny has no Resource, so it denies nothing.
    assertThat(admin.describeKey(b -> b.keyId(id)).keyMetadata().keyId()).isEqualTo(id);
  }
}
