package dev.envelope.internal.format;

import dev.envelope.InvalidMessageException;
import dev.envelope.internal.text.UntrustedText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encryption-context serialization of the message format: a two-byte pair count, then for each
 * pair a two-byte length and the UTF-8 key, a two-byte length and the UTF-8 value, sorted by the
 * key's UTF-8 bytes compared as unsigned values. An empty context serializes to no bytes at all.
 *
 * <p>The same bytes are the AAD of raw-keyring data-key wrapping, so the ordering must match the
 * other implementations exactly.
 */
public final class EncryptionContextCodec {
  /** Every length field in the serialization is an unsigned 16-bit integer. */
  public static final int MAX_FIELD_LENGTH = 0xFFFF;

  private EncryptionContextCodec() {}

  /**
   * Serializes a context.
   *
   * @throws IllegalArgumentException if a key or value is not valid Unicode, a field is longer than
   *     65535 bytes, or the whole serialization is longer than 65535 bytes (the header's length
   *     field)
   */
  public static byte[] serialize(Map<String, String> context) {
    return serialize(context, false);
  }

  /**
   * Serializes with keys sorted as signed bytes. Some older implementations sorted this way; raw
   * keyrings try it as a fallback when unwrapping data keys written by them.
   */
  public static byte[] serializeSignedOrder(Map<String, String> context) {
    return serialize(context, true);
  }

  private static byte[] serialize(Map<String, String> context, boolean signedOrder) {
    if (context.isEmpty()) {
      return new byte[0];
    }
    if (context.size() > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException("encryption context has more than 65535 entries");
    }
    List<byte[][]> pairs = new ArrayList<>(context.size());
    int total = 2;
    for (Map.Entry<String, String> e : context.entrySet()) {
      byte[] key = encodeStrict(e.getKey(), null);
      byte[] value = encodeStrict(e.getValue(), e.getKey());
      if (key.length > MAX_FIELD_LENGTH || value.length > MAX_FIELD_LENGTH) {
        throw new IllegalArgumentException(
            "encryption context key or value longer than 65535 UTF-8 bytes (key "
                + abbreviate(e.getKey())
                + ")");
      }
      total += 4 + key.length + value.length;
      pairs.add(new byte[][] {key, value});
    }
    if (total > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException(
          "serialized encryption context is " + total + " bytes; the message format allows 65535");
    }
    if (signedOrder) {
      pairs.sort((a, b) -> Arrays.compare(a[0], b[0]));
    } else {
      pairs.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putShort((short) pairs.size());
    for (byte[][] pair : pairs) {
      out.putShort((short) pair[0].length).put(pair[0]);
      out.putShort((short) pair[1].length).put(pair[1]);
    }
    return out.array();
  }

  /**
   * The length {@link #serialize} would produce, without building it: 0 for the empty context, else
   * the count field and, per entry, two length fields and the UTF-8 of key and value (an unpaired
   * surrogate counted as the 3 bytes of a replacement; {@code serialize} refuses it).
   */
  public static long serializedLength(Map<String, String> context) {
    if (context.isEmpty()) {
      return 0;
    }
    long total = 2;
    for (Map.Entry<String, String> e : context.entrySet()) {
      total += 4 + utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return total;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Parses {@code len} bytes at {@code off}. Zero bytes is the empty context.
   *
   * @throws InvalidMessageException on truncation, trailing bytes, invalid UTF-8 or duplicate keys
   */
  public static Map<String, String> parse(byte[] buf, int off, int len) {
    if (len == 0) {
      return Collections.emptyMap();
    }
    if (len < 2) {
      throw new InvalidMessageException("encryption context is truncated");
    }
    ByteBuffer in = ByteBuffer.wrap(buf, off, len);
    int count = Short.toUnsignedInt(in.getShort());
    if (count == 0) {
      throw new InvalidMessageException(
          "encryption context declares zero pairs; an empty context has no bytes");
    }
    Map<String, String> context = new LinkedHashMap<>(Math.min(count, 64) * 2);
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      String value = readString(in);
      if (context.put(key, value) != null) {
        throw new InvalidMessageException("encryption context has a duplicate key");
      }
    }
    if (in.hasRemaining()) {
      throw new InvalidMessageException(
          "encryption context has " + in.remaining() + " unexpected trailing bytes");
    }
    return Collections.unmodifiableMap(context);
  }

  private static String readString(ByteBuffer in) {
    if (in.remaining() < 2) {
      throw new InvalidMessageException("encryption context is truncated");
    }
    int length = Short.toUnsignedInt(in.getShort());
    if (in.remaining() < length) {
      throw new InvalidMessageException("encryption context is truncated");
    }
    ByteBuffer slice = in.slice();
    slice.limit(length);
    in.position(in.position() + length);
    return decodeUtf8(slice, "encryption context");
  }

  /**
   * Decodes UTF-8 strictly: malformed bytes are an invalid message, not replacement characters, so
   * that two different byte strings never read as the same text.
   */
  static String decodeUtf8(ByteBuffer bytes, String what) {
    if (bytes.hasArray()
        && isAscii(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining())) {
      // ASCII is valid UTF-8 byte for byte, and the common case for context keys, values and
      // provider ids.
      String ascii =
          new String(
              bytes.array(),
              bytes.arrayOffset() + bytes.position(),
              bytes.remaining(),
              StandardCharsets.US_ASCII);
      bytes.position(bytes.limit());
      return ascii;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(what + " is not valid UTF-8");
    }
  }

  /**
   * UTF-8 of a context key ({@code ofKey} null) or of the value of key {@code ofKey}; no
   * replacement characters.
   */
  private static byte[] encodeStrict(String s, String ofKey) {
    if (s == null) {
      throw new IllegalArgumentException("encryption context " + describe(ofKey) + " is null");
    }
    if (!hasSurrogate(s)) {
      // Without surrogates every char has an exact UTF-8 form, so the JDK's fast (intrinsic)
      // encoder is exact; only unpaired surrogates would be silently replaced by '?', so those take
      // the strict path.
      return s.getBytes(StandardCharsets.UTF_8);
    }
    try {
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(s));
      byte[] out = new byte[encoded.remaining()];
      encoded.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "encryption context " + describe(ofKey) + " is not valid Unicode (unpaired surrogate)");
    }
  }

  /** For messages only: built on failure, not on every string encoded. */
  private static String describe(String ofKey) {
    return ofKey == null ? "key" : "value of key " + abbreviate(ofKey);
  }

  private static boolean isAscii(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    return UntrustedText.quote(s, 40);
  }
}
