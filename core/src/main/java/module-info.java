/**
 * Envelope core: envelope encryption in the AWS Encryption SDK message format v2, with keyrings,
 * materials managers, a bounded data-key cache and streams. The message format and the crypto
 * helpers ({@code dev.envelope.internal.*}) are not exported: they may change in any release.
 */
module dev.envelope.core {
  requires com.github.benmanes.caffeine;
  requires org.bouncycastle.provider;
  // Builders take a MeterRegistry.
  requires transitive micrometer.core;

  exports dev.envelope;
  exports dev.envelope.keyring;
  exports dev.envelope.materials;
  exports dev.envelope.stream;
  // One escaping, length-capped formatter for untrusted text in exception messages, shared with the
  // KMS keyring.
  exports dev.envelope.internal.text to
      dev.envelope.aws;
}
