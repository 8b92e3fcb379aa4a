/**
 * Streaming encryption and decryption with memory bounded by one frame; obtain the streams from
 * {@link dev.envelope.Envelope#encryptingStream} and {@link
 * dev.envelope.Envelope#decryptingStream}.
 */
package dev.envelope.stream;
