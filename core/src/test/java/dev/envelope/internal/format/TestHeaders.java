package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.keyring.EncryptedDataKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Message headers written byte by byte, for tests that need exact control of the bytes. */
public final class TestHeaders {
  private TestHeaders() {}

  /**
   * A v2 header of {@code suite} with {@code contextBytes} as serialized context (written as given,
   * so tests can write pairs out of order), {@code edks} in the given order and a message id of 32
   * {@code idByte}s. Commitment and tag are zeros: parsing does not check them.
   */
  public static byte[] v2(
      AlgorithmSuite suite, byte[] contextBytes, List<EncryptedDataKey> edks, int idByte) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2);
      out.writeShort(suite.id());
      byte[] id = new byte[MessageHeader.V2_MESSAGE_ID_LENGTH];
      Arrays.fill(id, (byte) idByte);
      out.write(id);
      out.writeShort(contextBytes.length);
      out.write(contextBytes);
      out.writeShort(edks.size());
      for (EncryptedDataKey edk : edks) {
        byte[] provider = edk.providerId().getBytes(StandardCharsets.UTF_8);
        out.writeShort(provider.length);
        out.write(provider);
        out.writeShort(edk.providerInfoLength());
        out.write(edk.providerInfo());
        out.writeShort(edk.ciphertextLength());
        out.write(edk.ciphertext());
      }
      out.writeByte(MessageHeader.CONTENT_TYPE_FRAMED);
      out.writeInt(4096);
      out.write(new byte[MessageHeader.COMMITMENT_LENGTH + AlgorithmSuite.TAG_LENGTH]);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }
}
