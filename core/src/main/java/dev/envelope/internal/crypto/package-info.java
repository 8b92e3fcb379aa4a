/**
 * Cryptographic primitives over the JCE and Bouncy Castle: AES-GCM, HKDF, ECDSA with compressed
 * public keys, per-thread randomness, zeroable keys. Not API.
 */
package dev.envelope.internal.crypto;
