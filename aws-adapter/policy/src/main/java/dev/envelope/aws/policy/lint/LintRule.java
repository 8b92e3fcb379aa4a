package dev.envelope.aws.policy.lint;

/**
 * The rules of {@link KeyPolicyLinter}, with stable ids for suppressions and CI annotations. Ids
 * are never reused or renumbered; a retired rule keeps its id.
 */
public enum LintRule {
  LOCKOUT(
      "ENV-KP-001",
      "key-lockout",
      Severity.CRITICAL,
      "No statement lets any principal administer the key.",
      "No Allow statement grants kms:PutKeyPolicy, so once this policy is in place nobody can"
          + " change it again and only AWS Support can recover the key. Keep the account-root"
          + " statement, or name a key-administrator role with kms:PutKeyPolicy and the other"
          + " management actions."),
  ROOT_DELEGATES_ALL(
      "ENV-KP-002",
      "root-delegates-everything",
      Severity.INFO,
      "The account-root statement delegates every KMS action to IAM.",
      "A statement allowing kms:* to arn:aws:iam::ACCOUNT:root is the KMS default: it lets every"
          + " IAM user and role of the account whose IAM policy allows a KMS action perform it on"
          + " this key, including PutKeyPolicy and ScheduleKeyDeletion. The blast radius of this"
          + " key is therefore every IAM policy in the account. Keep it if IAM is how you manage"
          + " access; otherwise name administrator and user roles directly."),
  PUBLIC_PRINCIPAL(
      "ENV-KP-003",
      "unrestricted-wildcard-principal",
      Severity.CRITICAL,
      "\"Principal\": \"*\" without a condition restricting the caller's account or service.",
      "A wildcard principal lets any AWS principal of any account use the allowed actions."
          + " Add a condition on kms:CallerAccount, kms:ViaService, aws:PrincipalOrgID,"
          + " aws:PrincipalAccount, aws:PrincipalArn or aws:SourceAccount, or name the principals."),
  KMS_STAR_TO_NON_ROOT(
      "ENV-KP-004",
      "kms-star-to-non-root",
      Severity.HIGH,
      "kms:* is granted to a principal other than an account root.",
      "kms:* gives the principal both administration (PutKeyPolicy, ScheduleKeyDeletion) and use"
          + " (Decrypt) of the key. List the actions the principal needs instead."),
  ADMIN_HOLDS_CRYPTO(
      "ENV-KP-005",
      "administrator-can-use-key",
      Severity.MEDIUM,
      "A key-administrator statement also allows cryptographic use of the key.",
      "Separate duties: administrators manage the key (policy, state, deletion) but should not"
          + " decrypt or produce data keys. Move Encrypt/Decrypt/GenerateDataKey*/ReEncrypt* to a"
          + " separate key-user statement for the principals that need them."),
  USER_HOLDS_ADMIN(
      "ENV-KP-006",
      "user-can-administer-key",
      Severity.HIGH,
      "A key-user statement also allows PutKeyPolicy or ScheduleKeyDeletion.",
      "A principal that uses the key should not be able to rewrite its policy or schedule its"
          + " deletion. Remove kms:PutKeyPolicy and kms:ScheduleKeyDeletion from the key-user"
          + " statement; give them to a key-administrator role."),
  USER_UNRESTRICTED_CREATE_GRANT(
      "ENV-KP-007",
      "user-create-grant-unrestricted",
      Severity.MEDIUM,
      "A key-user statement allows CreateGrant without kms:GrantIsForAWSResource.",
      "CreateGrant lets the principal hand its permissions to anyone, bypassing the key policy."
          + " Add \"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}} so that"
          + " only AWS services integrated with KMS can create grants on its behalf."),
  SET_QUALIFIER_ON_SINGLE_VALUED_CONTEXT_KEY(
      "ENV-KP-008",
      "set-qualifier-on-single-valued-key",
      Severity.MEDIUM,
      "ForAllValues/ForAnyValue is used with the single-valued kms:EncryptionContext:<key>.",
      "kms:EncryptionContext:<key> holds one value. ForAllValues is true when the key is absent,"
          + " so an Allow matches requests without that context entry; ForAnyValue merely acts"
          + " like the plain operator. Use StringEquals (or StringEqualsIfExists deliberately);"
          + " use set qualifiers only with kms:EncryptionContextKeys."),
  CROSS_ACCOUNT_ROOT(
      "ENV-KP-009",
      "cross-account-root-principal",
      Severity.INFO,
      "Another account is named only by its root.",
      "Naming arn:aws:iam::OTHER:root (or the bare account id) delegates to every IAM principal of"
          + " that account whose IAM policy allows the action: the other account's administrators,"
          + " not you, decide who uses this key. Name the specific roles, or add a condition such"
          + " as aws:PrincipalArn."),
  IAM_CROSS_ACCOUNT_RESOURCE_STAR(
      "ENV-KP-010",
      "iam-cross-account-resource-star",
      Severity.MEDIUM,
      "An IAM policy allows KMS actions on \"Resource\": \"*\" while the key is used across"
          + " accounts.",
      "With \"Resource\": \"*\" the caller may use every key in every account whose key policy"
          + " trusts its account, not just this one. Name the key ARN(s) in Resource."),
  POLICY_TOO_LARGE(
      "ENV-KP-011",
      "policy-too-large",
      Severity.HIGH,
      "The key policy is larger than 32 KB.",
      "KMS rejects key policies over 32768 bytes: PutKeyPolicy and CreateKey fail. Merge"
          + " statements, use roles instead of long principal lists, or move access to grants."),
  INVALID_STATEMENT(
      "ENV-KP-012",
      "invalid-policy-element",
      Severity.HIGH,
      "A statement or element is invalid: unknown condition operator or key, or bad structure.",
      "KMS rejects the policy, or (for an unknown condition key in a looser evaluator) the"
          + " condition never matches, which silently disables an Allow or a Deny guard. Fix the"
          + " spelling as the message says."),
  ALLOW_NOT_PRINCIPAL(
      "ENV-KP-013",
      "allow-with-not-principal",
      Severity.HIGH,
      "An Allow statement uses NotPrincipal.",
      "Allow with NotPrincipal allows everyone except the listed principals, including every"
          + " principal of every other account. Name the allowed principals with Principal."),
  ALLOW_NOT_ACTION(
      "ENV-KP-014",
      "allow-with-not-action",
      Severity.MEDIUM,
      "An Allow statement uses NotAction.",
      "Allow with NotAction allows every KMS action except the listed ones, including actions"
          + " added to KMS later. List the allowed actions with Action."),
  GRANT_CAN_REGRANT(
      "ENV-KP-015",
      "grant-allows-create-grant",
      Severity.LOW,
      "A grant includes CreateGrant.",
      "The grantee can create further grants (no broader than its own) for any principal, so"
          + " access spreads without a key-policy change. Drop CreateGrant from the grant unless"
          + " the grantee is an AWS service that needs it."),
  KMS_REJECTS_POLICY(
      "ENV-KP-016",
      "kms-rejects-policy",
      Severity.CRITICAL,
      "KMS refuses this key policy in CreateKey and PutKeyPolicy.",
      "KMS checks a key policy before it accepts it: characters outside printable ASCII and"
          + " Latin-1, ForAllValues with kms:EncryptionContext:<key> or aws:RequestTag/<key>"
          + " (OverlyPermissiveCondition), and the policy lockout safety check for the principal"
          + " that deploys it. The message is KMS's; the deployment fails until it is fixed."),
  STATEMENT_WITHOUT_EFFECT(
      "ENV-KP-017",
      "statement-without-effect",
      Severity.HIGH,
      "A key policy statement has no Action or no Resource, so it applies to nothing.",
      "KMS accepts such a statement, but it has no effect (PutKeyPolicy API reference): a Deny"
          + " meant as a guard protects nothing and an Allow gives nothing. Add the missing element,"
          + " usually \"Resource\": \"*\" in a key policy."),
  SET_OPERATOR_MISMATCH(
      "ENV-KP-018",
      "set-operator-mismatch",
      Severity.MEDIUM,
      "A set operator on a single-valued key, or a single-valued operator on a multivalued key.",
      "ForAllValues/ForAnyValue compare sets and belong on multivalued keys such as"
          + " kms:EncryptionContextKeys, kms:GrantOperations or kms:ResourceAliases. On a"
          + " single-valued key ForAllValues also holds when the key is absent (an Allow then"
          + " matches requests without it); a plain operator on a multivalued key does not say"
          + " whether any or all values must match. Use the operator the key's value type asks"
          + " for (KMS developer guide, \"Using set operators with condition keys\")."),
  OPERATOR_TYPE_MISMATCH(
      "ENV-KP-019",
      "operator-type-mismatch",
      Severity.HIGH,
      "The condition operator cannot compare the key's type (e.g. Numeric on a string key).",
      "A condition whose operator does not fit the key's type never matches: an Allow with it"
          + " allows nothing and a Deny with it protects nothing (a negated operator instead always"
          + " matches). Use the operator of the key's documented condition type."),
  VALUE_NEVER_MATCHES(
      "ENV-KP-020",
      "value-never-matches",
      Severity.HIGH,
      "A condition value can never match the key's documented format.",
      "KMS and IAM fill the key with values of one documented format (a 12-digit account, a"
          + " service name such as s3.us-east-1.amazonaws.com, an operation name, an alias name,"
          + " an ARN, true/false). A value outside it never matches, so the condition silently"
          + " turns an Allow off or a negated Deny guard permanently on.");

  private final String id;
  private final String shortName;
  private final Severity severity;
  private final String title;
  private final String help;

  LintRule(String id, String shortName, Severity severity, String title, String help) {
    this.id = id;
    this.shortName = shortName;
    this.severity = severity;
    this.title = title;
    this.help = help;
  }

  /** Stable id, e.g. {@code ENV-KP-001}. */
  public String id() {
    return id;
  }

  /** Kebab-case name, e.g. {@code key-lockout} (SARIF {@code rule.name}). */
  public String shortName() {
    return shortName;
  }

  /** The severity of this rule's findings. */
  public Severity severity() {
    return severity;
  }

  /** One-line description. */
  public String title() {
    return title;
  }

  /** Why it matters and how to fix it. */
  public String help() {
    return help;
  }
}
