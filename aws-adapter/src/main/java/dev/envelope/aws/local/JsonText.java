package dev.envelope.aws.local;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A tiny JSON writer. Written by hand because the responses are small and flat, the SDK's
 * {@code JsonWriter} has no way to emit a pre-serialized value, and no other JSON library may be used.
 * Commas are handled by tracking whether the current container already has a member.
 */
final class JsonText {
  private final StringBuilder out = new StringBuilder(256);
  private boolean needComma;

  JsonText beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  JsonText endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  JsonText beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  JsonText endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  JsonText name(String name) {
    comma();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  JsonText value(String value) {
    comma();
    if (value == null) {
      out.append("null");
    } else {
      quote(value);
    }
    needComma = true;
    return this;
  }

  JsonText value(boolean value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  JsonText value(long value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /** A timestamp as the JSON 1.1 protocol sends it: epoch seconds with a fraction. */
  JsonText timestamp(java.time.Instant instant) {
    comma();
    out.append(instant.getEpochSecond()).append('.')
        .append(String.format("%03d", instant.getNano() / 1_000_000));
    needComma = true;
    return this;
  }

  /** A blob: base64, as the JSON protocols encode them. */
  JsonText blob(byte[] bytes) {
    return value(Base64.getEncoder().encodeToString(bytes));
  }

  JsonText raw(String json) {
    comma();
    out.append(json);
    needComma = true;
    return this;
  }

  JsonText field(String name, String value) {
    return value == null ? this : name(name).value(value);
  }

  JsonText field(String name, boolean value) {
    return name(name).value(value);
  }

  JsonText field(String name, long value) {
    return name(name).value(value);
  }

  JsonText stringMap(Map<String, String> map) {
    beginObject();
    map.forEach((k, v) -> name(k).value(v));
    return endObject();
  }

  JsonText stringList(List<String> list) {
    beginArray();
    list.forEach(this::value);
    return endArray();
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
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
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** Serializes a parsed node back to JSON, e.g. a policy given as an object in a config file. */
  static String serialize(JsonNode node) {
    JsonText t = new JsonText();
    write(t, node);
    return t.toString();
  }

  private static void write(JsonText t, JsonNode node) {
    if (node.isObject()) {
      t.beginObject();
      for (Map.Entry<String, JsonNode> e : node.asObject().entrySet()) {
        t.name(e.getKey());
        write(t, e.getValue());
      }
      t.endObject();
    } else if (node.isArray()) {
      t.beginArray();
      for (JsonNode n : node.asArray()) {
        write(t, n);
      }
      t.endArray();
    } else if (node.isString()) {
      t.value(node.asString());
    } else if (node.isNumber()) {
      t.raw(node.asNumber());
    } else if (node.isBoolean()) {
      t.value(node.asBoolean());
    } else {
      t.raw("null");
    }
  }
}
