package dev.envelope.aws.policy.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** Strict reading of the environment file: wrong types and unknown members are errors. */
final class JsonMembers {
  private final Map<String, JsonNode> members;
  private final String where;

  private JsonMembers(Map<String, JsonNode> members, String where) {
    this.members = members;
    this.where = where;
  }

  static JsonMembers of(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    return new JsonMembers(node.asObject(), where);
  }

  /** Same, with member names lower-cased: grants accept AWS ListGrants (PascalCase) spelling. */
  static JsonMembers caseInsensitive(JsonNode node, String where) {
    JsonMembers m = of(node, where);
    Map<String, JsonNode> lower = new LinkedHashMap<>();
    m.members.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return new JsonMembers(lower, where);
  }

  String where() {
    return where;
  }

  void onlyKnown(Set<String> names) {
    for (String k : members.keySet()) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException(
            "unknown member '"
                + k
                + "' in "
                + where
                + "; known: "
                + new java.util.TreeSet<>(names));
      }
    }
  }

  boolean has(String name) {
    JsonNode n = members.get(name);
    return n != null && !n.isNull();
  }

  JsonNode node(String name) {
    return members.get(name);
  }

  Optional<String> string(String name) {
    if (!has(name)) {
      return Optional.empty();
    }
    JsonNode n = members.get(name);
    if (!n.isString()) {
      throw new IllegalArgumentException(where + ": '" + name + "' must be a string");
    }
    return Optional.of(n.asString());
  }

  String required(String name) {
    return string(name)
        .orElseThrow(() -> new IllegalArgumentException(where + " needs '" + name + "'"));
  }

  boolean bool(String name, boolean dflt) {
    if (!has(name)) {
      return dflt;
    }
    JsonNode n = members.get(name);
    if (!n.isBoolean()) {
      throw new IllegalArgumentException(where + ": '" + name + "' must be true or false");
    }
    return n.asBoolean();
  }

  List<JsonNode> array(String name) {
    if (!has(name)) {
      return List.of();
    }
    JsonNode n = members.get(name);
    if (!n.isArray()) {
      throw new IllegalArgumentException(where + ": '" + name + "' must be an array");
    }
    return n.asArray();
  }

  List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array(name)) {
      if (!n.isString()) {
        throw new IllegalArgumentException(where + ": '" + name + "' must hold strings");
      }
      out.add(n.asString());
    }
    return out;
  }

  Map<String, String> stringMap(String name) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!has(name)) {
      return out;
    }
    JsonNode n = members.get(name);
    if (!n.isObject()) {
      throw new IllegalArgumentException(where + ": '" + name + "' must be an object of strings");
    }
    n.asObject()
        .forEach(
            (k, v) -> {
              if (!v.isString()) {
                throw new IllegalArgumentException(
                    where + ": '" + name + "." + k + "' must be a string");
              }
              out.put(k, v.asString());
            });
    return out;
  }
}
