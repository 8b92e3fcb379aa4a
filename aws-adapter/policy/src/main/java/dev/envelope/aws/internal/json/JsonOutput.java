package dev.envelope.aws.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The one JSON writer of the AWS modules, on Jackson's generator: local KMS responses and audit
 * records ({@link #compact()}), lint reports and SARIF ({@link #pretty()}), and JSON given inline
 * in configuration written back out as text ({@link #textOf}). Callers emit well-nested output;
 * commas (and, when pretty, newlines and two-space indentation) are automatic, and misnesting is an
 * {@link IllegalStateException}.
 *
 * <p>Strings are escaped as RFC 8259 requires: quote, backslash and the C0 controls (the short
 * forms {@code \b \f \n \r \t} where JSON has them, {@code \}{@code u00xx} otherwise). A lone
 * surrogate, which UTF-8 cannot carry (encoding it gives {@code ?}), is written as its {@code
 * \}{@code udxxx} escape, so that it survives the round trip as JSON.stringify and the AWS SDK keep
 * it; Jackson writes it raw, so {@link #toString()} escapes what it left. Everything else,
 * surrogate pairs (non-BMP characters) included, is written as it is; U+2028 and U+2029 are legal
 * in JSON and none of this output is embedded in JavaScript source.
 */
public final class JsonOutput {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE).build();

  private final StringWriter out = new StringWriter(256);
  private final JsonGenerator gen;
  private final boolean pretty;

  private JsonOutput(boolean pretty) {
    this.pretty = pretty;
    try {
      this.gen = FACTORY.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (pretty) {
      gen.setPrettyPrinter(new TwoSpaceIndent());
    }
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

  /** One step of writing; Jackson reports misnesting as an IOException. */
  private interface Step {
    void run() throws IOException;
  }

  private JsonOutput write(Step step) {
    try {
      step.run();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
    }
    return this;
  }

  public JsonOutput beginObject() {
    return write(gen::writeStartObject);
  }

  public JsonOutput endObject() {
    return write(gen::writeEndObject);
  }

  public JsonOutput beginArray() {
    return write(gen::writeStartArray);
  }

  public JsonOutput endArray() {
    return write(gen::writeEndArray);
  }

  public JsonOutput name(String name) {
    return write(() -> gen.writeFieldName(name));
  }

  /** A string, or {@code null} for null. */
  public JsonOutput value(String value) {
    return write(() -> gen.writeString(value));
  }

  public JsonOutput value(boolean value) {
    return write(() -> gen.writeBoolean(value));
  }

  public JsonOutput value(long value) {
    return write(() -> gen.writeNumber(value));
  }

  /** A timestamp as the AWS JSON protocols send it: epoch seconds with three fraction digits. */
  public JsonOutput timestamp(Instant instant) {
    String seconds =
        instant.getEpochSecond() + "." + String.format("%03d", instant.getNano() / 1_000_000);
    return write(() -> gen.writeNumber(seconds));
  }

  /** A blob: base64, as the AWS JSON protocols encode them. */
  public JsonOutput blob(byte[] bytes) {
    return value(Base64.getEncoder().encodeToString(bytes));
  }

  /**
   * A string member, omitted when {@code value} is null (absent, as the AWS JSON protocols leave
   * unset members); write {@code name(n).value(null)} for an explicit null.
   */
  public JsonOutput field(String name, String value) {
    return value == null ? this : name(name).value(value);
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
  public JsonOutput value(JsonValue value) {
    if (value instanceof JsonValue.ObjectValue o) {
      beginObject();
      o.members().forEach((k, v) -> name(k).value(v));
      return endObject();
    } else if (value instanceof JsonValue.ArrayValue a) {
      beginArray();
      a.elements().forEach(this::value);
      return endArray();
    } else if (value instanceof JsonValue.StringValue s) {
      return value(s.value());
    } else if (value instanceof JsonValue.NumberValue n) {
      return write(() -> gen.writeNumber(n.text()));
    } else if (value instanceof JsonValue.BooleanValue b) {
      return value(b.value());
    }
    return write(gen::writeNull);
  }

  /** The text written so far (pretty output ends with a newline). */
  @Override
  public String toString() {
    write(gen::flush);
    String json = escapeLoneSurrogates(out.toString());
    return pretty ? json + "\n" : json;
  }

  /** A parsed value as compact JSON text. */
  public static String serialize(JsonValue value) {
    return compact().value(value).toString();
  }

  /**
   * The JSON text of a document that configuration may give either inline, as JSON, or as a string
   * holding JSON (a policy, say): the string's content, or the inline value serialized.
   */
  public static String textOf(JsonValue value) {
    return value.isString() ? value.asString() : serialize(value);
  }

  /**
   * Jackson writes a lone surrogate as it is. Outside strings JSON text is ASCII, so any lone
   * surrogate in the output is inside a string, where its escape is the same character.
   */
  private static String escapeLoneSurrogates(String json) {
    StringBuilder b = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isSurrogate(c) && loneSurrogate(json, i)) {
        if (b == null) {
          b = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        b.append(String.format("\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? json : b.toString();
  }

  private static boolean loneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** {@link #pretty()}'s layout: each member and element on its own line, two spaces a level. */
  private static final class TwoSpaceIndent implements PrettyPrinter {
    private int depth;

    private void newline(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        g.writeRaw("  ");
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      depth--;
      newline(g);
      g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      depth++;
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      newline(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      depth--;
      newline(g);
      g.writeRaw(']');
    }
  }
}
