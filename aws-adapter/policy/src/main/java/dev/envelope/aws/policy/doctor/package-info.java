/**
 * The access doctor: answers "may this caller do this to this key, and why (not)?" from a local
 * description of key policies, IAM policies and grants ({@link
 * dev.envelope.aws.policy.doctor.AccessEnvironment}, a superset of the local KMS configuration
 * file), with the same evaluator as the local KMS. {@link
 * dev.envelope.aws.policy.doctor.AccessDoctor#diagnose} returns a {@link
 * dev.envelope.aws.policy.doctor.Diagnosis}: the decision, the statement or grant that settled it,
 * the evaluation chain (including which side of a cross-account path is missing), and notes such as
 * a disabled key. {@link dev.envelope.aws.policy.doctor.AccessReport} answers the question for
 * every known principal and "anyone" at once, flagging access from outside the account or
 * organization.
 *
 * <p>Simplifications: a principal listed several times (e.g. once per access key in a local KMS
 * file) is taken from its first entry; its {@code viaService} there is ignored in favour of the
 * question's.
 */
package dev.envelope.aws.policy.doctor;
