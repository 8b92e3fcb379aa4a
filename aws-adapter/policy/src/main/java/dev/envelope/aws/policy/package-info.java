/**
 * The IAM/KMS policy model and the KMS authorization evaluator.
 *
 * <p>{@link dev.envelope.aws.policy.PolicyDocument} parses key policies and IAM identity policies
 * strictly: malformed JSON, duplicate keys, unknown elements, unknown condition operators and
 * unknown condition keys are {@link dev.envelope.aws.policy.PolicyException}s, never statements
 * that silently do nothing. {@link dev.envelope.aws.policy.AccessEvaluator} then decides an {@link
 * dev.envelope.aws.policy.AccessRequest} the way KMS documents it (explicit deny wins; the key
 * policy is the root of trust and may delegate to IAM; cross-account access needs both sides;
 * grants add access) within the rest of the IAM chain ({@link dev.envelope.aws.policy.Organization}
 * SCPs and RCPs, and the {@link dev.envelope.aws.policy.CallerPolicies} permissions boundary and
 * session policies), and returns an {@link dev.envelope.aws.policy.AccessDecision} whose chain says
 * why, which {@link dev.envelope.aws.policy.PolicyLayer} decided and, for a denial, the smallest
 * change that allows the call. {@link dev.envelope.aws.policy.KeyPolicyValidator} holds KMS's own
 * checks of a key policy, for the local KMS and the linter alike.
 *
 * <p>Policy variables such as {@code ${aws:username}} are replaced in Resource elements and in
 * String and Arn condition values of Version 2012-10-17 policies. Known simplifications: the
 * BinaryEquals condition operator is rejected as unsupported; values of condition keys the engine
 * cannot derive (key spec, tags, network facts) must be supplied through {@link
 * dev.envelope.aws.policy.AccessRequest.Builder#contextValue}.
 */
package dev.envelope.aws.policy;
