/**
 * Keyrings generate, wrap and unwrap data keys: the {@link dev.envelope.keyring.Keyring} SPI, the
 * materials it works on, {@link dev.envelope.keyring.RawAesKeyring} for a local AES key and {@link
 * dev.envelope.keyring.MultiKeyring} to combine keyrings. The KMS keyring lives in the {@code
 * envelope-aws} module.
 */
package dev.envelope.keyring;
