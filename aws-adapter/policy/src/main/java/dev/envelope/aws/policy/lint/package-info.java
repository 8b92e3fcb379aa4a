/**
 * Static checks of KMS key policies (and of callers' IAM policies and the key's grants) before they
 * reach KMS: {@link dev.envelope.aws.policy.lint.KeyPolicyLinter} produces a {@link
 * dev.envelope.aws.policy.lint.LintReport} of {@link dev.envelope.aws.policy.lint.Finding}s, each
 * with a stable rule id ({@link dev.envelope.aws.policy.lint.LintRule}), a severity, the statement
 * and its line, and a fix; reports render as text, JSON or SARIF 2.1.0.
 *
 * <p><b>Roles.</b> Several rules speak of key administrators and key users. Roles are read from
 * what a statement grants, not from names: an <i>administrator statement</i> grants three or more
 * management actions (PutKeyPolicy, ScheduleKeyDeletion, CancelKeyDeletion, Enable/Disable, alias,
 * tag, rotation, import and replication actions), or some management action and no cryptographic
 * one; a <i>user statement</i> is any other statement that grants a cryptographic action (Encrypt,
 * Decrypt, GenerateDataKey*, ReEncrypt*, Sign, Verify, *Mac, DeriveSharedSecret) or CreateGrant.
 * Statements naming only account roots, granting {@code kms:*}, or using NotAction or NotPrincipal
 * have their own rules and are not classified.
 *
 * <p><b>Calibration.</b> Key-policy refusals come from {@link
 * dev.envelope.aws.policy.KeyPolicyValidator}, the checks the local KMS makes, so the linter and
 * KMS agree; the KMS developer guide's recommended key policies produce no findings (INFO notes on
 * practices the guide recommends are reported only with {@code includeNotes}). The README's
 * severity table says why each rule has its severity.
 *
 * <p><b>Key account.</b> Cross-account rules need the key's account: given to the builder, or
 * inferred from the account-root statement that may administer the key.
 */
package dev.envelope.aws.policy.lint;
