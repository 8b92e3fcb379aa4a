package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.envelope.Envelope;
import dev.envelope.keyring.RawAesKeyring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * Known-answer check of the header and body layout: the test re-derives everything from the
 * wrapping key with its own code (JCE GCM, Bouncy Castle HKDF) and reads every field at the offset
 * the specification gives, independently of the production parser.
 */
class MessageLayoutTest {
  private static final byte[] WRAPPING_KEY = new byte[32];

  static {
    new Random(3).nextBytes(WRAPPING_KEY);
  }

  @Test
  void headerAndFramesSitWhereTheSpecificationSays() throws Exception {
    Envelope envelope =
        Envelope.builder()
            .keyring(
                RawAesKeyring.builder()
                    .keyNamespace("ns")
                    .keyName("key-1")
                    .wrappingKey(WRAPPING_KEY)
                    .build())
            .frameSize(100)
            .build();
    byte[] plaintext = new byte[250];
    new Random(4).nextBytes(plaintext);
    Map<String, String> context = Map.of("tenant", "acme");
    byte[] message = envelope.encrypt(plaintext, context);

    ByteBuffer in = ByteBuffer.wrap(message);
    assertThat(in.get()).isEqualTo((byte) 0x02);
    assertThat(in.getShort()).isEqualTo((short) 0x0478);
    byte[] messageId = new byte[32];
    in.get(messageId);
    byte[] expectedAad = EncryptionContextCodec.serialize(context);
    assertThat(in.getShort()).isEqualTo((short) expectedAad.length);
    byte[] aad = new byte[expectedAad.length];
    in.get(aad);
    assertThat(aad).isEqualTo(expectedAad);
    assertThat(in.getShort()).isEqualTo((short) 1);
    assertThat(readField(in)).isEqualTo("ns".getBytes(StandardCharsets.UTF_8));
    byte[] info = readField(in);
    assertThat(Arrays.copyOf(info, 5)).isEqualTo("key-1".getBytes(StandardCharsets.UTF_8));
    ByteBuffer infoTail = ByteBuffer.wrap(info, 5, info.length - 5);
    assertThat(infoTail.getInt()).isEqualTo(128);
    assertThat(infoTail.getInt()).isEqualTo(12);
    byte[] wrapIv = new byte[12];
    infoTail.get(wrapIv);
    byte[] wrapped = readField(in);
    assertThat(wrapped).hasSize(32 + 16);
    assertThat(in.get()).isEqualTo((byte) 0x02);
    assertThat(in.getInt()).isEqualTo(100);
    byte[] commitment = new byte[32];
    in.get(commitment);
    int headerBodyEnd = in.position();
    byte[] headerTag = new byte[16];
    in.get(headerTag);

    Cipher unwrap = Cipher.getInstance("AES/GCM/NoPadding");
    unwrap.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(WRAPPING_KEY, "AES"),
        new GCMParameterSpec(128, wrapIv));
    unwrap.updateAAD(expectedAad);
    byte[] dataKey = unwrap.doFinal(wrapped);

    byte[] derived =
        hkdf512(dataKey, messageId, concat(new byte[] {0x04, 0x78}, bytes("DERIVEKEY")), 32);
    assertThat(commitment).isEqualTo(hkdf512(dataKey, messageId, bytes("COMMITKEY"), 32));

    Cipher headerAuth = Cipher.getInstance("AES/GCM/NoPadding");
    headerAuth.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(derived, "AES"),
        new GCMParameterSpec(128, new byte[12]));
    headerAuth.updateAAD(message, 0, headerBodyEnd);
    assertThat(headerAuth.doFinal()).isEqualTo(headerTag);

    byte[] recovered = new byte[250];
    for (int seq = 1; seq <= 2; seq++) {
      assertThat(in.getInt()).isEqualTo(seq);
      byte[] iv = new byte[12];
      in.get(iv);
      assertThat(iv).isEqualTo(ivFor(seq));
      byte[] ct = new byte[100 + 16];
      in.get(ct);
      byte[] pt =
          frameDecrypt(
              derived, iv, bodyAad(messageId, "AWSKMSEncryptionClient Frame", seq, 100), ct);
      System.arraycopy(pt, 0, recovered, (seq - 1) * 100, 100);
    }
    assertThat(in.getInt()).isEqualTo(-1);
    assertThat(in.getInt()).isEqualTo(3);
    byte[] iv = new byte[12];
    in.get(iv);
    assertThat(iv).isEqualTo(ivFor(3));
    assertThat(in.getInt()).isEqualTo(50);
    byte[] ct = new byte[50 + 16];
    in.get(ct);
    byte[] pt =
        frameDecrypt(
            derived, iv, bodyAad(messageId, "AWSKMSEncryptionClient Final Frame", 3, 50), ct);
    System.arraycopy(pt, 0, recovered, 200, 50);
    assertThat(in.hasRemaining()).isFalse();
    assertThat(recovered).isEqualTo(plaintext);
  }

  private static byte[] readField(ByteBuffer in) {
    byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(b);
    return b;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hkdf512(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA512Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  private static byte[] ivFor(int seq) {
    return ByteBuffer.allocate(12).putInt(8, seq).array();
  }

  private static byte[] bodyAad(byte[] messageId, String content, int seq, long length) {
    byte[] label = bytes(content);
    return ByteBuffer.allocate(messageId.length + label.length + 12)
        .put(messageId)
        .put(label)
        .putInt(seq)
        .putLong(length)
        .array();
  }

  private static byte[] frameDecrypt(byte[] key, byte[] iv, byte[] aad, byte[] ct)
      throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    c.updateAAD(aad);
    return c.doFinal(ct);
  }
}
