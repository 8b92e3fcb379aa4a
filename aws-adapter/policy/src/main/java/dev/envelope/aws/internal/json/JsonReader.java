package dev.envelope.aws.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON reader of the AWS modules: policies, local KMS requests and configuration, access
 * environments and grant files. Strict, on Jackson's parser: RFC 8259 JSON only (no comments,
 * single quotes, trailing commas or NaN), exactly one value with nothing after it, and no member
 * name twice in an object, because a policy such as {@code {"Effect":"Deny","Effect":"Allow"}} must
 * not quietly become an Allow (IAM refuses duplicates too).
 *
 * <p>Callers that need token positions rather than a tree (the linter's statement lines) use
 * Jackson's parser directly and report its failures through {@link #problem}.
 */
public final class JsonReader {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Error locations name line and column, never the source text (requests may hold
          // secrets).
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private JsonReader() {}

  /**
   * Parses one JSON value.
   *
   * @throws JsonException if {@code json} is not exactly one JSON value, or repeats a member name
   */
  public static JsonValue parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      return read(p);
    } catch (IOException e) {
      throw problem(e);
    }
  }

  /** As {@link #parse(String)}, for UTF-8 bytes (an HTTP body). */
  public static JsonValue parse(byte[] utf8) {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return read(p);
    } catch (IOException e) {
      throw problem(e);
    }
  }

  /** A parser failure as a {@link JsonException}: Jackson's words and position, no source text. */
  public static JsonException problem(IOException e) {
    if (e instanceof JsonProcessingException jpe) {
      JsonLocation at = jpe.getLocation();
      String message = jpe.getOriginalMessage() == null ? jpe.toString() : jpe.getOriginalMessage();
      int nl = message.indexOf('\n');
      return new JsonException(
          nl < 0 ? message : message.substring(0, nl),
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(),
          e);
    }
    return new JsonException(String.valueOf(e.getMessage()), 0, 0, e);
  }

  private static JsonValue read(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new JsonException("No JSON value: the text is empty", 0, 0, null);
    }
    JsonValue value = value(p, first);
    JsonLocation at = p.currentLocation();
    try {
      if (p.nextToken() == null) {
        return value;
      }
      at = p.currentTokenLocation();
    } catch (JsonProcessingException e) {
      // What follows is not even a token: it is content after the value all the same.
    }
    throw new JsonException(
        "Content after the JSON value; expected exactly one value",
        at.getLineNr(),
        at.getColumnNr(),
        null);
  }

  private static JsonValue value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation at = p.currentTokenLocation();
          JsonValue v = value(p, p.nextToken());
          if (members.putIfAbsent(name, v) != null) {
            throw new JsonException(
                "Duplicate member \"" + name + "\"", at.getLineNr(), at.getColumnNr(), null);
          }
        }
        return new JsonValue.ObjectValue(members);
      }
      case START_ARRAY -> {
        List<JsonValue> elements = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          elements.add(value(p, e));
        }
        return new JsonValue.ArrayValue(elements);
      }
      case VALUE_STRING -> {
        return new JsonValue.StringValue(p.getText());
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new JsonValue.NumberValue(p.getText());
      }
      case VALUE_TRUE -> {
        return new JsonValue.BooleanValue(true);
      }
      case VALUE_FALSE -> {
        return new JsonValue.BooleanValue(false);
      }
      case VALUE_NULL -> {
        return JsonValue.NullValue.INSTANCE;
      }
      default ->
          throw new JsonException(
              "Unexpected " + t,
              p.currentTokenLocation().getLineNr(),
              p.currentTokenLocation().getColumnNr(),
              null);
    }
  }
}
