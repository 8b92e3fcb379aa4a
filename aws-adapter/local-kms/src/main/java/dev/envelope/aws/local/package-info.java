/**
 * A local KMS for development, tests and the samples: {@link dev.envelope.aws.local.LocalKms} runs
 * an HTTP server on 127.0.0.1 that speaks the KMS JSON 1.1 protocol, so the real AWS SDK {@code
 * KmsClient} talks to it through {@code endpointOverride}.
 *
 * <p>Public: {@link dev.envelope.aws.local.LocalKms} and its builder, the configuration types
 * ({@link dev.envelope.aws.local.LocalKmsConfig}, {@link dev.envelope.aws.local.PrincipalConfig},
 * {@link dev.envelope.aws.local.KeyConfig}) and the audit log ({@link
 * dev.envelope.aws.local.AuditLog}, {@link dev.envelope.aws.local.AuditEvent}). Everything else
 * (protocol, operations, key store, ciphertext format) is package-private and may change.
 *
 * <p>Authorization is delegated to {@code dev.envelope.aws.policy.AccessEvaluator}; this package
 * decides which key, grants and request facts the evaluator sees, and applies what KMS applies
 * around it: key resolution rules, key states, grant tokens and propagation, the lockout safety
 * check, the request quota. The request facts include the condition keys KMS derives from the key
 * (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion, kms:ResourceAliases), from the
 * request (kms:EncryptionAlgorithm, the new grant's kms:GranteePrincipal, kms:RetiringPrincipal and
 * kms:GrantConstraintType, CreateKey's parameters and tags, aws:CurrentTime) and from the
 * connection (aws:SourceIp). aws:SecureTransport is left absent: the server speaks plain HTTP, and
 * reporting that would trip every "deny without TLS" guard meant for the real service.
 *
 * <p>Key material is generated at every start unless a key's configuration carries it ({@link
 * dev.envelope.aws.local.KeyConfig#keyMaterial()}, development only), in which case ciphertexts
 * survive restarts.
 *
 * <p>Not modelled: asymmetric and HMAC keys, imported key material (the KMS import operations),
 * custom key stores, stored tags (aws:ResourceTag), actual rotation of key material, the end of a
 * deletion window (keys stay PendingDeletion), AWS managed keys and their aliases.
 */
package dev.envelope.aws.local;
