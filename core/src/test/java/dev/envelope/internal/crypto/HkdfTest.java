package dev.envelope.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void rfc5869TestCase1() {
    byte[] okm =
        Hkdf.derive(
            "HmacSHA256",
            HEX.parseHex("000102030405060708090a0b0c"),
            HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void rfc5869TestCase3WithoutSaltOrInfo() {
    byte[] okm =
        Hkdf.derive(
            "HmacSHA256",
            null,
            HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            new byte[0],
            42);
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }

  @Test
  void sha512AgreesWithBouncyCastleForMessageFormatInputs() {
    Random random = new Random(1);
    for (int i = 0; i < 20; i++) {
      byte[] salt = new byte[32];
      byte[] ikm = new byte[32];
      random.nextBytes(salt);
      random.nextBytes(ikm);
      byte[] info =
          ("\u0004\u0078DERIVEKEY" + i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      int length = 1 + random.nextInt(100);
      HKDFBytesGenerator reference = new HKDFBytesGenerator(new SHA512Digest());
      reference.init(new HKDFParameters(ikm, salt, info));
      byte[] expected = new byte[length];
      reference.generateBytes(expected, 0, length);
      assertThat(Hkdf.derive("HmacSHA512", salt, ikm, info, length)).isEqualTo(expected);
    }
  }
}
