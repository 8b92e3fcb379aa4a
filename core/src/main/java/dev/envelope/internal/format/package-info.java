/**
 * The AWS Encryption SDK message format, all of it in this package: header (v2, and v1 for
 * decryption), encryption-context serialization, body frames and their AAD, key derivation and
 * commitment, footer. Not API: public only so that other Envelope packages can use it; it may
 * change in any release.
 */
package dev.envelope.internal.format;
