package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.AlgorithmSuite;
import dev.envelope.InvalidMessageException;
import dev.envelope.keyring.EncryptedDataKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderDataKeysTest {
  static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  static final DecryptionLimits LIMITS = new DecryptionLimits(10, 64 * 1024, 1 << 20);
  static final EncryptedDataKey A = edk("p", "a", 1);
  static final EncryptedDataKey B = edk("p", "b", 2);

  static EncryptedDataKey edk(String provider, String info, int fill) {
    byte[] ciphertext = new byte[40];
    Arrays.fill(ciphertext, (byte) fill);
    return new EncryptedDataKey(provider, info.getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  static byte[] header(byte[] contextBytes, List<EncryptedDataKey> edks, int idByte) {
    return TestHeaders.v2(SUITE, contextBytes, edks, idByte);
  }

  static HeaderDataKeys section(byte[] header) {
    MessageHeader parsed = MessageHeader.parse(header, 0, header.length, LIMITS);
    return (HeaderDataKeys) parsed.encryptedDataKeys();
  }

  static byte[] context(Map<String, String> context) {
    return EncryptionContextCodec.serialize(context);
  }

  @Test
  void parsedHeaderCarriesItsContextAndKeys() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A, B), 1);
    MessageHeader parsed = MessageHeader.parse(h, 0, h.length, LIMITS);
    assertThat(parsed.encryptedDataKeys()).isInstanceOf(HeaderDataKeys.class).containsExactly(A, B);
    HeaderDataKeys section = (HeaderDataKeys) parsed.encryptedDataKeys();
    assertThat(section.encryptionContext()).isSameAs(parsed.encryptionContext());
    assertThat(section.encryptionContext()).isEqualTo(Map.of("k", "v"));
    assertThatThrownBy(() -> section.add(A)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalBytesAreTheSameWhateverTheMessageId() {
    HeaderDataKeys one = section(header(context(Map.of("k", "v")), List.of(A), 1));
    // Another header in between, so that the second read is not this thread's last one.
    section(header(context(Map.of("x", "y")), List.of(B), 3));
    HeaderDataKeys two = section(header(context(Map.of("k", "v")), List.of(A), 2));
    assertThat(two).isNotSameAs(one);
    assertThat(one.sameBytes(two)).isTrue();
    assertThat(one.bytesHash()).isEqualTo(two.bytesHash());
    assertThat(one.compareBytes(two)).isZero();
  }

  @Test
  void differentContextsOrKeysDiffer() {
    HeaderDataKeys base = section(header(context(Map.of("k", "v")), List.of(A), 1));
    HeaderDataKeys otherValue = section(header(context(Map.of("k", "w")), List.of(A), 1));
    HeaderDataKeys otherKey = section(header(context(Map.of("k", "v")), List.of(B), 1));
    HeaderDataKeys moreKeys = section(header(context(Map.of("k", "v")), List.of(A, B), 1));
    HeaderDataKeys empty = section(header(new byte[0], List.of(A), 1));
    for (HeaderDataKeys other : List.of(otherValue, otherKey, moreKeys, empty)) {
      assertThat(base.sameBytes(other)).isFalse();
      assertThat(other.sameBytes(base)).isFalse();
      assertThat(base.compareBytes(other)).isNotZero();
      assertThat(Integer.signum(base.compareBytes(other)))
          .isEqualTo(-Integer.signum(other.compareBytes(base)));
    }
  }

  @Test
  void keyOrderDoesNotMatterButDuplicatesDo() {
    HeaderDataKeys ab = section(header(context(Map.of("k", "v")), List.of(A, B), 1));
    HeaderDataKeys ba = section(header(context(Map.of("k", "v")), List.of(B, A), 1));
    HeaderDataKeys aab = section(header(context(Map.of("k", "v")), List.of(A, A, B), 1));
    assertThat(ba).containsExactly(B, A); // the list keeps header order
    assertThat(ab.sameBytes(ba)).isTrue();
    assertThat(ab.bytesHash()).isEqualTo(ba.bytesHash());
    assertThat(ab.compareBytes(ba)).isZero();
    assertThat(ab.sameBytes(aab)).isFalse();
  }

  @Test
  void pairsWrittenOutOfOrderParseEqualButAreOtherBytes() {
    byte[] sorted = context(Map.of("a", "1", "b", "2"));
    // The same two pairs, b before a: parsing accepts it, as other implementations may write it.
    byte[] swapped = new byte[sorted.length];
    swapped[1] = 2;
    System.arraycopy(sorted, 2 + 6, swapped, 2, 6);
    System.arraycopy(sorted, 2, swapped, 2 + 6, 6);
    HeaderDataKeys one = section(header(sorted, List.of(A), 1));
    HeaderDataKeys two = section(header(swapped, List.of(A), 1));
    assertThat(two.encryptionContext()).isEqualTo(one.encryptionContext());
    assertThat(one.sameBytes(two)).isFalse();
  }

  @Test
  void collidingHashesStayApart() {
    // "Aa" and "BB" have the same 31-polynomial hash, and so do the sections holding them.
    HeaderDataKeys aa = section(header(context(Map.of("k", "Aa")), List.of(A), 1));
    HeaderDataKeys bb = section(header(context(Map.of("k", "BB")), List.of(A), 1));
    assertThat(aa.bytesHash()).isEqualTo(bb.bytesHash());
    assertThat(aa.sameBytes(bb)).isFalse();
    assertThat(aa.compareBytes(bb)).isNotZero();
    assertThat(aa.encryptionContext()).isEqualTo(Map.of("k", "Aa"));
    assertThat(bb.encryptionContext()).isEqualTo(Map.of("k", "BB"));
  }

  @Test
  void theSameBytesAgainReuseTheLastParseOfThisThread() {
    byte[] first = header(context(Map.of("k", "v")), List.of(A), 1);
    byte[] second = header(context(Map.of("k", "v")), List.of(A), 2);
    HeaderDataKeys one = section(first);
    MessageHeader again = MessageHeader.parse(second, 0, second.length, LIMITS);
    assertThat(again.encryptedDataKeys()).isSameAs(one);
    assertThat(again.encryptionContext()).isSameAs(one.encryptionContext());
    // The rest of the header is still its own.
    assertThat(again.messageId()).containsOnly((byte) 2);
    assertThat(again.length()).isEqualTo(second.length);
  }

  @Test
  void reusedParseStillChecksTheCallersKeyLimit() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A, B), 1);
    section(h);
    DecryptionLimits oneKey = new DecryptionLimits(1, 64 * 1024, 1 << 20);
    assertThatThrownBy(() -> MessageHeader.parse(h, 0, h.length, oneKey))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("2 encrypted data keys; the limit is 1");
  }

  @Test
  void reusedParseStillWaitsForMissingBytesAndRespectsTheHeaderLimit() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A), 1);
    section(h);
    // The section is cut short: more bytes are needed, whatever this thread read last.
    assertThat(MessageHeader.parse(h, 0, 60, LIMITS)).isNull();
    DecryptionLimits shortHeaders = new DecryptionLimits(10, 64, 1 << 20);
    assertThatThrownBy(() -> MessageHeader.parse(h, 0, h.length, shortHeaders))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("longer than the limit of 64 bytes");
  }

  @Test
  void changingTheInputAfterParsingChangesNothing() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A), 1);
    HeaderDataKeys one = section(h);
    Arrays.fill(h, (byte) 0);
    section(header(context(Map.of("x", "y")), List.of(B), 3));
    HeaderDataKeys two = section(header(context(Map.of("k", "v")), List.of(A), 2));
    assertThat(two).isNotSameAs(one);
    assertThat(one.sameBytes(two)).isTrue();
    assertThat(one.encryptionContext()).isEqualTo(Map.of("k", "v"));
    // The thread's last section is kept apart from the caller's array too.
    byte[] again = header(context(Map.of("k", "v")), List.of(A), 4);
    assertThat(section(again)).isSameAs(two);
  }

  @Test
  void theLastSectionServesTheSameBytesAtAnyOffsetOfAnyArray() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A, B), 1);
    HeaderDataKeys one = section(h);
    byte[] padded = new byte[h.length + 40];
    Arrays.fill(padded, (byte) 0x5A);
    System.arraycopy(h, 0, padded, 17, h.length);
    MessageHeader again = MessageHeader.parse(padded, 17, h.length, LIMITS);
    assertThat(again.encryptedDataKeys()).isSameAs(one).containsExactly(A, B);
    assertThat(again.length()).isEqualTo(h.length);
    assertThat(again.toByteArray()).isEqualTo(h);
  }

  @Test
  void aSectionThatOnlyStartsLikeTheLastOneIsParsedAfresh() {
    EncryptedDataKey longer =
        new EncryptedDataKey("p", "b".getBytes(StandardCharsets.UTF_8), new byte[41]);
    EncryptedDataKey shorter =
        new EncryptedDataKey("p", "b".getBytes(StandardCharsets.UTF_8), new byte[39]);
    HeaderDataKeys one = section(header(context(Map.of("k", "v")), List.of(A, B), 1));
    // The same context and first key, then a last key of another length; then one key fewer.
    for (List<EncryptedDataKey> keys :
        List.of(List.of(A, longer), List.of(A, shorter), List.of(A))) {
      byte[] h = header(context(Map.of("k", "v")), keys, 2);
      MessageHeader parsed = MessageHeader.parse(h, 0, h.length, LIMITS);
      assertThat(parsed.encryptedDataKeys()).isNotSameAs(one).containsExactlyElementsOf(keys);
      assertThat(((HeaderDataKeys) parsed.encryptedDataKeys()).sameBytes(one)).isFalse();
      assertThat(parsed.length()).isEqualTo(h.length);
      one = section(header(context(Map.of("k", "v")), List.of(A, B), 1));
    }
  }

  @Test
  void aReusedSectionDoesNotExcuseTheRestOfTheHeader() {
    byte[] h = header(context(Map.of("k", "v")), List.of(A), 1);
    section(h);
    byte[] badContentType = h.clone();
    int sectionEnd = h.length - (1 + 4 + MessageHeader.COMMITMENT_LENGTH + 16);
    badContentType[sectionEnd] = 7;
    assertThatThrownBy(() -> MessageHeader.parse(badContentType, 0, h.length, LIMITS))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("content type 7");
    DecryptionLimits smallFrames = new DecryptionLimits(10, 64 * 1024, 1024);
    assertThatThrownBy(() -> MessageHeader.parse(h, 0, h.length, smallFrames))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("frame length 4096");
  }
}
