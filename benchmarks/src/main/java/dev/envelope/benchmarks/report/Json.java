package dev.envelope.benchmarks.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JMH's result files and our own KMS-quota results, read with Jackson's parser into plain Java
 * values: objects become {@link LinkedHashMap}s, arrays {@link List}s, numbers {@link Double}s; JMH
 * writes {@code "NaN"} as a string, which {@link #number} accepts.
 */
public final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /**
   * Parses exactly one JSON value.
   *
   * @throws IllegalArgumentException if {@code text} is not one JSON value
   */
  public static Object parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("not JSON: the text is empty");
      }
      Object value = value(p, t);
      requireEnd(p);
      return value;
    } catch (JsonEOFException e) {
      throw new IllegalArgumentException(
          "not JSON: unterminated value: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  /** Nothing but whitespace may follow the value, not even something that is no JSON token. */
  private static void requireEnd(JsonParser p) throws IOException {
    int line = p.currentLocation().getLineNr();
    try {
      if (p.nextToken() == null) {
        return;
      }
      line = p.currentTokenLocation().getLineNr();
    } catch (JsonProcessingException e) {
      // What follows is not even a token: it is trailing content all the same.
    }
    throw new IllegalArgumentException(
        "not JSON: trailing content after the value at line " + line);
  }

  /** A JSON number, or a string JMH uses for non-finite values ("NaN", "Infinity"), as a double. */
  public static double number(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof String s) {
      return Double.parseDouble(s);
    }
    return Double.NaN;
  }

  /**
   * The number in field {@code key} of {@code o}.
   *
   * @throws IllegalArgumentException naming the field when it is missing
   */
  public static double requiredNumber(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing field " + key);
    }
    return number(v);
  }

  /** {@link #requiredNumber} as a whole number (result files write counts as JSON numbers). */
  public static long requiredLong(Map<String, Object> o, String key) {
    return (long) requiredNumber(o, key);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, value(p, p.nextToken()));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(p, e));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IllegalArgumentException("not JSON: unexpected " + t);
    };
  }
}
