/**
 * Envelope encryption in the AWS Encryption SDK message format v2.
 *
 * <p>{@link dev.envelope.Envelope} is the entry point: build one with a keyring or a materials
 * manager and use it for one-shot messages or streams. Every deliberate failure is an unchecked
 * {@link dev.envelope.EnvelopeException}.
 */
package dev.envelope;
