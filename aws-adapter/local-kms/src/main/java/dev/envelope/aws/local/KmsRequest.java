package dev.envelope.aws.local;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The JSON body of one request with typed accessors. Type errors answer SerializationException, as
 * the service does when a member has the wrong JSON type; missing required members answer
 * ValidationException with the service's wording.
 */
final class KmsRequest {
  private final Map<String, JsonNode> members;

  private KmsRequest(Map<String, JsonNode> members) {
    this.members = members;
  }

  static KmsRequest parse(byte[] body) {
    if (body.length == 0) {
      return new KmsRequest(Map.of());
    }
    JsonNode node;
    try {
      node = JsonNode.parser().parse(body);
    } catch (RuntimeException e) {
      throw new KmsException("SerializationException", "Malformed JSON request body");
    }
    if (!node.isObject()) {
      throw new KmsException("SerializationException", "Request body must be a JSON object");
    }
    return new KmsRequest(node.asObject());
  }

  boolean has(String member) {
    JsonNode n = members.get(member);
    return n != null && !n.isNull();
  }

  Optional<String> string(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isString()) {
      throw serialization(member);
    }
    return Optional.of(n.asString());
  }

  String requiredString(String member) {
    String s = string(member).orElseThrow(() -> KmsException.validationNull(lowerFirst(member)));
    if (s.isEmpty()) {
      throw KmsException.validation(
          "1 validation error detected: Value '' at '"
              + lowerFirst(member)
              + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    return s;
  }

  boolean bool(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw serialization(member);
    }
    return n.asBoolean();
  }

  Optional<Integer> integer(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isNumber()) {
      throw serialization(member);
    }
    try {
      return Optional.of(Integer.parseInt(n.asNumber()));
    } catch (NumberFormatException e) {
      throw serialization(member);
    }
  }

  Optional<byte[]> blob(String member) {
    return string(member)
        .map(
            s -> {
              try {
                return Base64.getDecoder().decode(s);
              } catch (IllegalArgumentException e) {
                throw serialization(member);
              }
            });
  }

  byte[] requiredBlob(String member) {
    byte[] b = blob(member).orElseThrow(() -> KmsException.validationNull(lowerFirst(member)));
    if (b.length == 0) {
      throw KmsException.validation(
          "1 validation error detected: Value at '"
              + lowerFirst(member)
              + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    return b;
  }

  /** A string-to-string map such as EncryptionContext; absent means empty. */
  Map<String, String> stringMap(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw serialization(member);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.asObject().entrySet()) {
      if (!e.getValue().isString()) {
        throw serialization(member);
      }
      out.put(e.getKey(), e.getValue().asString());
    }
    return Collections.unmodifiableMap(out);
  }

  List<String> stringList(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw serialization(member);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n.asArray()) {
      if (!e.isString()) {
        throw serialization(member);
      }
      out.add(e.asString());
    }
    return List.copyOf(out);
  }

  /**
   * A tag list such as CreateKey's Tags ([{"TagKey": k, "TagValue": v}, ...]); absent means empty.
   */
  Map<String, String> tags(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isArray()) {
      throw serialization(member);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode e : n.asArray()) {
      if (!e.isObject()) {
        throw serialization(member);
      }
      KmsRequest tag = new KmsRequest(e.asObject());
      out.put(tag.requiredString("TagKey"), tag.string("TagValue").orElse(""));
    }
    return Collections.unmodifiableMap(out);
  }

  Optional<KmsRequest> object(String member) {
    JsonNode n = members.get(member);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      throw serialization(member);
    }
    return Optional.of(new KmsRequest(n.asObject()));
  }

  private static KmsException serialization(String member) {
    return new KmsException("SerializationException", "Unexpected JSON type for member " + member);
  }

  static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
