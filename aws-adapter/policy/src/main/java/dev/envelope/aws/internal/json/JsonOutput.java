package dev.envelope.aws.internal.json;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The module's one JSON writer: local KMS responses, configuration and audit records ({@link
 * #compact()}), lint reports and SARIF ({@link #pretty()}), and JSON given inline in configuration
 * written back out as text ({@link #textOf}).
 *
 * <p>Written by hand because the module takes no JSON library beyond the SDK's json-utils, whose
 * {@code JsonWriter} cannot indent (lint and SARIF output is indented) and embeds no JSON text but
 * a number's. Callers emit well-nested output; commas (and, when pretty, newlines and two-space
 * indentation) are automatic.
 *
 * <p>Strings are escaped as RFC 8259 requires: quote, backslash and the C0 controls (the short
 * forms {@code \b \f \n \r \t} where JSON has them, {@code \}{@code u00xx} otherwise). A lone
 * surrogate, which UTF-8 cannot carry (encoding it gives {@code ?}), is written as its {@code
 * \}{@code udxxx} escape, so that it survives the round trip as JSON.stringify and the SDK's writer
 * keep it. Everything else, surrogate pairs (non-BMP characters) included, is written as it is;
 * U+2028 and U+2029 are legal in JSON and none of this output is embedded in JavaScript source.
 */
public final class JsonOutput {
  private final StringBuilder out = new StringBuilder(256);
  private final boolean pretty;
  private boolean needComma;
  private int depth;

  /** A member name was just written: the next value follows it without comma or newline. */
  private boolean pendingName;

  private JsonOutput(boolean pretty) {
    this.pretty = pretty;
  }

  /** No whitespace: {@code {"a":1,"b":[true]}}. */
  public static JsonOutput compact() {
    return new JsonOutput(false);
  }

  /**
   * One member or element a line, indented by two spaces, {@code ": "} after names, and a final
   * newline after the document.
   */
  public static JsonOutput pretty() {
    return new JsonOutput(true);
  }

  public JsonOutput beginObject() {
    return begin('{');
  }

  public JsonOutput endObject() {
    return end('}');
  }

  public JsonOutput beginArray() {
    return begin('[');
  }

  public JsonOutput endArray() {
    return end(']');
  }

  public JsonOutput name(String name) {
    if (needComma) {
      out.append(',');
    }
    if (pretty) {
      newline();
    }
    quote(name);
    out.append(pretty ? ": " : ":");
    needComma = false;
    pendingName = true;
    return this;
  }

  /** A string, or {@code null} for null. */
  public JsonOutput value(String value) {
    return value == null ? literal("null") : string(value);
  }

  public JsonOutput value(boolean value) {
    return literal(value ? "true" : "false");
  }

  public JsonOutput value(long value) {
    return literal(Long.toString(value));
  }

  /** A timestamp as the AWS JSON protocols send it: epoch seconds with three fraction digits. */
  public JsonOutput timestamp(Instant instant) {
    return literal(
        instant.getEpochSecond() + "." + String.format("%03d", instant.getNano() / 1_000_000));
  }

  /** A blob: base64, as the AWS JSON protocols encode them. */
  public JsonOutput blob(byte[] bytes) {
    return string(Base64.getEncoder().encodeToString(bytes));
  }

  /**
   * A string member, omitted when {@code value} is null (absent, as the AWS JSON protocols leave
   * unset members); write {@code name(n).value(null)} for an explicit null.
   */
  public JsonOutput field(String name, String value) {
    return value == null ? this : name(name).string(value);
  }

  public JsonOutput field(String name, boolean value) {
    return name(name).value(value);
  }

  public JsonOutput field(String name, long value) {
    return name(name).value(value);
  }

  /** An object of string members, in the map's iteration order. */
  public JsonOutput stringMap(Map<String, String> map) {
    beginObject();
    map.forEach((k, v) -> name(k).value(v));
    return endObject();
  }

  public JsonOutput stringList(List<String> list) {
    beginArray();
    list.forEach(this::value);
    return endArray();
  }

  /** A parsed value, written back out (numbers exactly as they were given). */
  public JsonOutput value(JsonNode node) {
    if (node.isObject()) {
      beginObject();
      for (Map.Entry<String, JsonNode> e : node.asObject().entrySet()) {
        name(e.getKey()).value(e.getValue());
      }
      return endObject();
    } else if (node.isArray()) {
      beginArray();
      for (JsonNode n : node.asArray()) {
        value(n);
      }
      return endArray();
    } else if (node.isString()) {
      return string(node.asString());
    } else if (node.isNumber()) {
      return literal(node.asNumber());
    } else if (node.isBoolean()) {
      return value(node.asBoolean());
    }
    return literal("null");
  }

  /** The text written so far (pretty output ends with a newline). */
  @Override
  public String toString() {
    return pretty ? out + "\n" : out.toString();
  }

  /** A parsed value as compact JSON text. */
  public static String serialize(JsonNode node) {
    return compact().value(node).toString();
  }

  /**
   * The JSON text of a document that configuration may give either inline, as JSON, or as a string
   * holding JSON (a policy, say): the string's content, or the inline value serialized.
   */
  public static String textOf(JsonNode node) {
    return node.isString() ? node.asString() : serialize(node);
  }

  private JsonOutput string(String s) {
    beforeValue();
    quote(s);
    needComma = true;
    return this;
  }

  private JsonOutput literal(String json) {
    beforeValue();
    out.append(json);
    needComma = true;
    return this;
  }

  private JsonOutput begin(char open) {
    beforeValue();
    out.append(open);
    depth++;
    needComma = false;
    return this;
  }

  private JsonOutput end(char close) {
    depth--;
    if (pretty) {
      newline();
    }
    out.append(close);
    needComma = true;
    return this;
  }

  private void beforeValue() {
    if (pendingName) {
      pendingName = false;
      return;
    }
    if (needComma) {
      out.append(',');
    }
    if (pretty && depth > 0) {
      newline();
    }
  }

  private void newline() {
    out.append('\n');
    out.append("  ".repeat(Math.max(0, depth)));
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || loneSurrogate(s, i)) {
            unicodeEscape(c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean loneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
  }

  private void unicodeEscape(char c) {
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.append(Character.forDigit((c >> shift) & 0xF, 16));
    }
  }
}
