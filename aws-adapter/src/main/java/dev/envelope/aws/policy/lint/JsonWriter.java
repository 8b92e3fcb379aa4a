package dev.envelope.aws.policy.lint;

/**
 * A minimal JSON writer for the renderers: the SDK's JsonNode parses but does not write, and the
 * module takes no other JSON library. Callers emit well-nested output; commas are automatic.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  private boolean needComma;
  private int depth;
  /** A member name was just written: the next value follows it without comma or newline. */
  private boolean pendingName;

  JsonWriter beginObject() {
    value();
    out.append('{');
    depth++;
    needComma = false;
    return this;
  }

  JsonWriter endObject() {
    depth--;
    newline();
    out.append('}');
    needComma = true;
    return this;
  }

  JsonWriter beginArray() {
    value();
    out.append('[');
    depth++;
    needComma = false;
    return this;
  }

  JsonWriter endArray() {
    depth--;
    newline();
    out.append(']');
    needComma = true;
    return this;
  }

  JsonWriter name(String name) {
    if (needComma) {
      out.append(',');
    }
    newline();
    quote(name);
    out.append(": ");
    needComma = false;
    pendingName = true;
    return this;
  }

  JsonWriter value(String s) {
    value();
    if (s == null) {
      out.append("null");
    } else {
      quote(s);
    }
    needComma = true;
    return this;
  }

  JsonWriter value(long n) {
    value();
    out.append(n);
    needComma = true;
    return this;
  }

  JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  private void value() {
    if (pendingName) {
      pendingName = false;
      return;
    }
    if (needComma) {
      out.append(',');
    }
    if (depth > 0) {
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
    return out.toString() + "\n";
  }
}
