package dev.envelope.aws.internal.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict, typed reading of one JSON object's members: a member of the wrong type, an unknown member
 * where only known ones are allowed, and a missing required member are errors, worded by the
 * caller's {@link Wording} (a configuration file, an environment file and a KMS request each answer
 * in their own terms). JSON {@code null} reads as absent.
 */
public final class JsonMembers {

  /** What a member should have been, for error messages. */
  public enum Expected {
    STRING("must be a string"),
    BOOLEAN("must be true or false"),
    NUMBER("must be a number"),
    INTEGER("must be an integer"),
    ARRAY("must be an array"),
    STRINGS("must hold strings"),
    OBJECT("must be a JSON object"),
    STRING_MAP("must be an object of strings");

    private final String phrase;

    Expected(String phrase) {
      this.phrase = phrase;
    }

    /** E.g. "must be a string". */
    public String phrase() {
      return phrase;
    }
  }

  /** How a reader words its errors; each method returns the exception to throw. */
  public interface Wording {
    /** {@code where} is not an object. */
    RuntimeException notAnObject(String where);

    /** {@code member} of {@code where} has the wrong type (an entry of a map: "name.key"). */
    RuntimeException wrongType(String where, String member, Expected expected);

    /** {@code member} is required and absent. */
    RuntimeException missing(String where, String member);

    /** {@code member} is not one of {@code known}, which are sorted. */
    RuntimeException unknownMember(String where, String member, Set<String> known);
  }

  /**
   * Plain wording with {@link IllegalArgumentException}: "keys[0]: 'region' must be a string",
   * "keys[0] needs 'keyId'", "unknown member 'kyes' in environment; known: [...]".
   */
  public static final Wording PLAIN =
      new Wording() {
        @Override
        public RuntimeException notAnObject(String where) {
          return new IllegalArgumentException(where + " must be a JSON object");
        }

        @Override
        public RuntimeException wrongType(String where, String member, Expected expected) {
          return new IllegalArgumentException(where + ": '" + member + "' " + expected.phrase());
        }

        @Override
        public RuntimeException missing(String where, String member) {
          return new IllegalArgumentException(where + " needs '" + member + "'");
        }

        @Override
        public RuntimeException unknownMember(String where, String member, Set<String> known) {
          return new IllegalArgumentException(
              "unknown member '" + member + "' in " + where + "; known: " + known);
        }
      };

  private final Map<String, JsonValue> members;
  private final String where;
  private final Wording wording;

  private JsonMembers(Map<String, JsonValue> members, String where, Wording wording) {
    this.members = members;
    this.where = where;
    this.wording = wording;
  }

  /**
   * The members of {@code value}, which must be an object.
   *
   * @param where what the object is, for messages ("keys[0]", "config")
   */
  public static JsonMembers of(JsonValue value, String where, Wording wording) {
    if (value == null || !value.isObject()) {
      throw wording.notAnObject(where);
    }
    return new JsonMembers(value.asObject(), where, wording);
  }

  /**
   * As {@link #of}, with member names lower-cased: for input whose spelling varies (grants as
   * {@code aws kms list-grants} prints them, PascalCase, or hand-written). Names that differ only
   * in case are an error, as a duplicate would be.
   */
  public static JsonMembers caseInsensitive(JsonValue value, String where, Wording wording) {
    JsonMembers m = of(value, where, wording);
    Map<String, JsonValue> lower = new LinkedHashMap<>();
    m.members.forEach(
        (k, v) -> {
          if (lower.put(k.toLowerCase(Locale.ROOT), v) != null) {
            throw new IllegalArgumentException(where + ": member '" + k + "' is given twice");
          }
        });
    return new JsonMembers(Collections.unmodifiableMap(lower), where, wording);
  }

  public String where() {
    return where;
  }

  /** Fails on the first member not in {@code names}. */
  public JsonMembers onlyKnown(Set<String> names) {
    for (String k : members.keySet()) {
      if (!names.contains(k)) {
        throw wording.unknownMember(where, k, new TreeSet<>(names));
      }
    }
    return this;
  }

  /** True if the member is present and not null. */
  public boolean has(String name) {
    JsonValue v = members.get(name);
    return v != null && !v.isNull();
  }

  /** The member as parsed, or empty when absent or null. */
  public Optional<JsonValue> value(String name) {
    return has(name) ? Optional.of(members.get(name)) : Optional.empty();
  }

  public Optional<String> string(String name) {
    return value(name)
        .map(
            v -> {
              if (!v.isString()) {
                throw wording.wrongType(where, name, Expected.STRING);
              }
              return v.asString();
            });
  }

  public String required(String name) {
    return string(name).orElseThrow(() -> wording.missing(where, name));
  }

  public Optional<Boolean> bool(String name) {
    return value(name)
        .map(
            v -> {
              if (!v.isBoolean()) {
                throw wording.wrongType(where, name, Expected.BOOLEAN);
              }
              return v.asBoolean();
            });
  }

  public boolean bool(String name, boolean absent) {
    return bool(name).orElse(absent);
  }

  public Optional<Double> number(String name) {
    return value(name)
        .map(
            v -> {
              if (!v.isNumber()) {
                throw wording.wrongType(where, name, Expected.NUMBER);
              }
              return Double.parseDouble(v.asNumber());
            });
  }

  /** An integer member: a JSON number written without fraction or exponent, in int range. */
  public Optional<Integer> integer(String name) {
    return value(name)
        .map(
            v -> {
              if (!v.isNumber()) {
                throw wording.wrongType(where, name, Expected.INTEGER);
              }
              try {
                return Integer.parseInt(v.asNumber());
              } catch (NumberFormatException e) {
                throw wording.wrongType(where, name, Expected.INTEGER);
              }
            });
  }

  /** An array member's elements; absent means empty. */
  public List<JsonValue> array(String name) {
    return value(name)
        .map(
            v -> {
              if (!v.isArray()) {
                throw wording.wrongType(where, name, Expected.ARRAY);
              }
              return v.asArray();
            })
        .orElse(List.of());
  }

  /** An array of strings; absent means empty. */
  public List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    for (JsonValue v : array(name)) {
      if (!v.isString()) {
        throw wording.wrongType(where, name, Expected.STRINGS);
      }
      out.add(v.asString());
    }
    return List.copyOf(out);
  }

  /** An object of string members, in document order; absent means empty. */
  public Map<String, String> stringMap(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<JsonValue> value = value(name);
    if (value.isEmpty()) {
      return Collections.unmodifiableMap(out);
    }
    if (!value.get().isObject()) {
      throw wording.wrongType(where, name, Expected.STRING_MAP);
    }
    value
        .get()
        .asObject()
        .forEach(
            (k, v) -> {
              if (!v.isString()) {
                throw wording.wrongType(where, name + "." + k, Expected.STRING);
              }
              out.put(k, v.asString());
            });
    return Collections.unmodifiableMap(out);
  }

  /** An object member, read with the same wording; {@code where} names it in messages. */
  public Optional<JsonMembers> object(String name, String where) {
    return value(name)
        .map(
            v -> {
              if (!v.isObject()) {
                throw wording.wrongType(this.where, name, Expected.OBJECT);
              }
              return new JsonMembers(v.asObject(), where, wording);
            });
  }
}
