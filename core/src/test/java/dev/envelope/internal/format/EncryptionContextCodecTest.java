package dev.envelope.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.envelope.InvalidMessageException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionContextCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void emptyContextIsNoBytes() {
    assertThat(EncryptionContextCodec.serialize(Map.of())).isEmpty();
    assertThat(EncryptionContextCodec.parse(new byte[0], 0, 0)).isEmpty();
  }

  @Test
  void knownAnswerSortedByUnsignedUtf8Bytes() {
    Map<String, String> context = new LinkedHashMap<>();
    context.put("é", "1"); // c3 a9: sorts after every ASCII key when compared unsigned
    context.put("b", "2");
    context.put("a", "3");
    assertThat(HEX.formatHex(EncryptionContextCodec.serialize(context)))
        .isEqualTo(
            "0003" + "0001" + "61" + "0001" + "33" + "0001" + "62" + "0001" + "32" + "0002" + "c3a9"
                + "0001" + "31");
    assertThat(HEX.formatHex(EncryptionContextCodec.serializeSignedOrder(context)))
        .startsWith("0003" + "0002" + "c3a9");
  }

  @Test
  void roundTripsUnicode() {
    Map<String, String> context =
        Map.of("ключ", "значение", "emoji", "\uD83D\uDE00", "", "empty key");
    byte[] bytes = EncryptionContextCodec.serialize(context);
    assertThat(EncryptionContextCodec.parse(bytes, 0, bytes.length)).isEqualTo(context);
  }

  @Test
  void rejectsDuplicateKeysTruncationTrailingBytesAndBadUtf8() {
    byte[] duplicate =
        HEX.parseHex("0002" + "0001" + "61" + "0001" + "31" + "0001" + "61" + "0001" + "32");
    assertThatThrownBy(() -> EncryptionContextCodec.parse(duplicate, 0, duplicate.length))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("duplicate");
    byte[] truncated = HEX.parseHex("0001" + "0005" + "61");
    assertThatThrownBy(() -> EncryptionContextCodec.parse(truncated, 0, truncated.length))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("truncated");
    byte[] trailing = HEX.parseHex("0001" + "0001" + "61" + "0001" + "31" + "ff");
    assertThatThrownBy(() -> EncryptionContextCodec.parse(trailing, 0, trailing.length))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("trailing");
    byte[] badUtf8 = HEX.parseHex("0001" + "0001" + "ff" + "0001" + "31");
    assertThatThrownBy(() -> EncryptionContextCodec.parse(badUtf8, 0, badUtf8.length))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void refusesContextsTheFormatCannotHold() {
    assertThatThrownBy(() -> EncryptionContextCodec.serialize(Map.of("k", "x".repeat(70_000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65535");
    Map<String, String> big = new LinkedHashMap<>();
    for (int i = 0; i < 700; i++) {
      big.put("key-" + i, "v".repeat(100));
    }
    assertThatThrownBy(() -> EncryptionContextCodec.serialize(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65535");
    assertThatThrownBy(() -> EncryptionContextCodec.serialize(Map.of("k", "\uD800")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void encodesEveryValidStringExactlyAndRefusesUnpairedSurrogatesAnywhere() {
    // ASCII, two- and three-byte forms, and a paired surrogate (four bytes) round-trip byte for
    // byte.
    Map<String, String> valid = Map.of("k\u00e9y", "\u20ac \uD83D\uDE00 plain", "ascii", "value");
    byte[] serialized = EncryptionContextCodec.serialize(valid);
    assertThat(EncryptionContextCodec.parse(serialized, 0, serialized.length)).isEqualTo(valid);
    assertThat(new String(serialized, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\u20ac \uD83D\uDE00 plain", "k\u00e9y");
    for (String bad : new String[] {"\uDC00", "a\uD83D", "\uDE00\uD83D", "x\uD800y"}) {
      assertThatThrownBy(() -> EncryptionContextCodec.serialize(Map.of("k", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("surrogate");
      assertThatThrownBy(() -> EncryptionContextCodec.serialize(Map.of(bad, "v")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("surrogate");
    }
  }
}
