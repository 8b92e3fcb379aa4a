package dev.envelope.aws.internal.json;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed JSON value, as {@link JsonReader} builds it: immutable, objects keep their members in
 * document order, and numbers keep their text exactly as written ({@code 1.50}, {@code -2e3}), so
 * that a value written back out with {@link JsonOutput} is the value that was read.
 */
public sealed interface JsonValue {

  /** An object; member names are unique (the reader refuses duplicates). */
  record ObjectValue(Map<String, JsonValue> members) implements JsonValue {
    public ObjectValue {
      members = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members));
    }
  }

  record ArrayValue(List<JsonValue> elements) implements JsonValue {
    public ArrayValue {
      elements = List.copyOf(elements);
    }
  }

  record StringValue(String value) implements JsonValue {
    public StringValue {
      Objects.requireNonNull(value);
    }
  }

  /** A number as its JSON text. */
  record NumberValue(String text) implements JsonValue {
    public NumberValue {
      Objects.requireNonNull(text);
    }
  }

  record BooleanValue(boolean value) implements JsonValue {}

  /** JSON {@code null}. */
  enum NullValue implements JsonValue {
    INSTANCE
  }

  default boolean isObject() {
    return this instanceof ObjectValue;
  }

  default boolean isArray() {
    return this instanceof ArrayValue;
  }

  default boolean isString() {
    return this instanceof StringValue;
  }

  default boolean isNumber() {
    return this instanceof NumberValue;
  }

  default boolean isBoolean() {
    return this instanceof BooleanValue;
  }

  default boolean isNull() {
    return this == NullValue.INSTANCE;
  }

  /** A member of an object; empty if absent or if this is not an object. */
  default java.util.Optional<JsonValue> field(String name) {
    return this instanceof ObjectValue o
        ? java.util.Optional.ofNullable(o.members().get(name))
        : java.util.Optional.empty();
  }

  /** The members of an object, in document order. */
  default Map<String, JsonValue> asObject() {
    return as(ObjectValue.class, "an object").members();
  }

  default List<JsonValue> asArray() {
    return as(ArrayValue.class, "an array").elements();
  }

  default String asString() {
    return as(StringValue.class, "a string").value();
  }

  /** A number's JSON text. */
  default String asNumber() {
    return as(NumberValue.class, "a number").text();
  }

  default boolean asBoolean() {
    return as(BooleanValue.class, "a boolean").value();
  }

  private <T extends JsonValue> T as(Class<T> type, String what) {
    if (!type.isInstance(this)) {
      throw new IllegalStateException("JSON value is not " + what);
    }
    return type.cast(this);
  }
}
