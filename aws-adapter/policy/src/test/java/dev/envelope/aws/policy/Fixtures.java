package dev.envelope.aws.policy;

import java.util.List;
import java.util.Map;

/** Shared accounts, ARNs and policy snippets for the policy tests. */
final class Fixtures {
  static final String KEY_ACCT = "111122223333";
  static final String OTHER_ACCT = "444455556666";
  static final String KEY_ARN =
      "arn:aws:kms:us-east-1:" + KEY_ACCT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";
  static final String OTHER_KEY_ARN =
      "arn:aws:kms:us-east-1:" + KEY_ACCT + ":key/ffffffff-12ab-34cd-56ef-1234567890ab";

  static final CallerIdentity APP = CallerIdentity.of("arn:aws:iam::" + KEY_ACCT + ":role/App");
  static final CallerIdentity ALICE = CallerIdentity.of("arn:aws:iam::" + KEY_ACCT + ":user/alice");
  static final CallerIdentity ROOT = CallerIdentity.root(KEY_ACCT);
  static final CallerIdentity PARTNER =
      CallerIdentity.of("arn:aws:iam::" + OTHER_ACCT + ":role/Partner");
  static final CallerIdentity PARTNER_ROOT = CallerIdentity.root(OTHER_ACCT);

  /** The KMS default key policy statement: enables IAM policies for the key's account. */
  static final String ENABLE_IAM =
      """
      {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
       "Action": "kms:*", "Resource": "*"}""";

  private Fixtures() {}

  static PolicyDocument policy(String... statements) {
    return PolicyDocument.parse(
        "{\"Version\": \"2012-10-17\", \"Statement\": [" + String.join(",", statements) + "]}");
  }

  static AccessRequest.Builder request(CallerIdentity caller, String operation) {
    return AccessRequest.builder().caller(caller).operation(operation).keyArn(KEY_ARN);
  }

  static AccessDecision eval(
      AccessRequest request,
      PolicyDocument keyPolicy,
      List<PolicyDocument> iam,
      List<Grant> grants) {
    return AccessEvaluator.evaluate(request, keyPolicy, iam, grants);
  }

  static AccessDecision eval(
      AccessRequest request, PolicyDocument keyPolicy, PolicyDocument... iam) {
    return AccessEvaluator.evaluate(request, keyPolicy, List.of(iam), List.of());
  }

  static Grant grant(String id, CallerIdentity grantee, List<String> ops) {
    return new Grant(
        id, KEY_ARN, grantee.arn(), null, java.util.Set.copyOf(ops), null, null, null, KEY_ACCT);
  }

  static Grant grant(
      String id,
      CallerIdentity grantee,
      List<String> ops,
      Map<String, String> equals,
      Map<String, String> subset) {
    return new Grant(
        id,
        KEY_ARN,
        grantee.arn(),
        null,
        java.util.Set.copyOf(ops),
        equals,
        subset,
        null,
        KEY_ACCT);
  }
}
