package dev.envelope.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Envelope's ECDSA (Bouncy Castle's curve arithmetic) against the JDK's own (SunEC): each verifies
 * the other's DER signatures, so signatures stay verifiable by every AWS Encryption SDK.
 */
class EcdsaTest {
  private static final byte[] DATA = "header, frames and all".getBytes(StandardCharsets.UTF_8);

  private static String jceAlgorithm(AlgorithmSuite suite) {
    return suite.signature() == AlgorithmSuite.Signature.ECDSA_P256
        ? "SHA256withECDSA"
        : "SHA384withECDSA";
  }

  private static byte[] sign(AlgorithmSuite suite, KeyPair pair, byte[] data) {
    Ecdsa.Signer signer = Ecdsa.signer(suite, pair.getPrivate());
    signer.update(data, 0, data.length);
    return signer.sign();
  }

  private static boolean verify(AlgorithmSuite suite, KeyPair pair, byte[] data, byte[] sig) {
    Ecdsa.Verifier verifier = Ecdsa.verifier(suite, pair.getPublic());
    verifier.update(data);
    return verifier.verify(sig, 0, sig.length);
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
        "AES_128_GCM_HKDF_SHA256_ECDSA_P256"
      })
  void theJdkVerifiesOurSignaturesAndWeVerifyTheJdks(AlgorithmSuite suite) throws Exception {
    KeyPair ours = Ecdsa.generateKeyPair(suite, new SecureRandom());
    assertThat(ours.getPrivate()).isInstanceOf(ECPrivateKey.class);
    assertThat(ours.getPublic()).isInstanceOf(ECPublicKey.class);
    byte[] sig = sign(suite, ours, DATA);
    Signature jdk = Signature.getInstance(jceAlgorithm(suite), "SunEC");
    jdk.initVerify(ours.getPublic()); // also proves the public key is the private key's
    jdk.update(DATA);
    assertThat(jdk.verify(sig)).isTrue();

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(
        new ECGenParameterSpec(
            suite.signature() == AlgorithmSuite.Signature.ECDSA_P256 ? "secp256r1" : "secp384r1"));
    KeyPair theirs = g.generateKeyPair();
    Signature jdkSigner = Signature.getInstance(jceAlgorithm(suite), "SunEC");
    jdkSigner.initSign(theirs.getPrivate());
    jdkSigner.update(DATA);
    byte[] theirSig = jdkSigner.sign();
    assertThat(verify(suite, theirs, DATA, theirSig)).isTrue();
    assertThat(verify(suite, theirs, "other".getBytes(StandardCharsets.UTF_8), theirSig)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {
        "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
        "AES_128_GCM_HKDF_SHA256_ECDSA_P256"
      })
  void noncesAreDeterministicPerKeyAndMessage(AlgorithmSuite suite) {
    KeyPair pair = Ecdsa.generateKeyPair(suite, new SecureRandom());
    byte[] a = sign(suite, pair, DATA);
    assertThat(sign(suite, pair, DATA)).isEqualTo(a); // RFC 6979
    byte[] other = sign(suite, pair, "different".getBytes(StandardCharsets.UTF_8));
    // A different hash gives a different nonce, so r differs (DER: 30 len 02 rlen r...).
    assertThat(other).isNotEqualTo(a);
    KeyPair second = Ecdsa.generateKeyPair(suite, new SecureRandom());
    assertThat(second.getPublic()).isNotEqualTo(pair.getPublic());
    assertThat(sign(suite, second, DATA)).isNotEqualTo(a);
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"})
  void alteredDataAndMalformedSignaturesDoNotVerify(AlgorithmSuite suite) {
    KeyPair pair = Ecdsa.generateKeyPair(suite, new SecureRandom());
    byte[] sig = sign(suite, pair, DATA);
    byte[] altered = DATA.clone();
    altered[0] ^= 1;
    assertThat(verify(suite, pair, altered, sig)).isFalse();
    byte[] flipped = sig.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThat(verify(suite, pair, DATA, flipped)).isFalse();
    // Trailing garbage after the DER sequence, a truncated one, and a non-minimal length.
    byte[] trailing = java.util.Arrays.copyOf(sig, sig.length + 1);
    assertThat(verify(suite, pair, DATA, trailing)).isFalse();
    assertThat(verify(suite, pair, DATA, java.util.Arrays.copyOf(sig, sig.length - 1))).isFalse();
    assertThat(verify(suite, pair, DATA, new byte[0])).isFalse();
    byte[] longForm = new byte[sig.length + 1];
    longForm[0] = 0x30;
    longForm[1] = (byte) 0x81;
    System.arraycopy(sig, 1, longForm, 2, sig.length - 1);
    assertThat(verify(suite, pair, DATA, longForm)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = AlgorithmSuite.class,
      names = {"AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"})
  void publicKeysRoundTripThroughTheContextEncoding(AlgorithmSuite suite) {
    KeyPair pair = Ecdsa.generateKeyPair(suite, new SecureRandom());
    String encoded = Ecdsa.encodePublicKey(pair.getPublic());
    assertThat(encoded).hasSize(Ecdsa.encodedPublicKeyLength(suite));
    assertThat(Ecdsa.decodePublicKey(suite, encoded)).isEqualTo(pair.getPublic());
    assertThatThrownBy(() -> Ecdsa.decodePublicKey(suite, "AAAA"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
