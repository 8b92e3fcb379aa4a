package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonException;
import dev.envelope.aws.internal.json.JsonMembers;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON body of one request with typed accessors. Type errors answer SerializationException, as
 * the service does when a member has the wrong JSON type; missing required members answer
 * ValidationException with the service's wording.
 */
final class KmsRequest {
  /** The service's words: the member's name, nothing of its value. */
  private static final JsonMembers.Wording KMS_WORDING =
      new JsonMembers.Wording() {
        @Override
        public RuntimeException notAnObject(String where) {
          return new KmsException("SerializationException", "Request body must be a JSON object");
        }

        @Override
        public RuntimeException wrongType(
            String where, String member, JsonMembers.Expected expected) {
          // A map entry is reported as its map: "EncryptionContext", not "EncryptionContext.k".
          int dot = member.indexOf('.');
          return serialization(dot < 0 ? member : member.substring(0, dot));
        }

        @Override
        public RuntimeException missing(String where, String member) {
          return KmsException.validationNull(lowerFirst(member));
        }

        @Override
        public RuntimeException unknownMember(String where, String member, Set<String> known) {
          return serialization(member);
        }
      };

  private final JsonMembers members;

  private KmsRequest(JsonMembers members) {
    this.members = members;
  }

  static KmsRequest parse(byte[] body) {
    if (body.length == 0) {
      return new KmsRequest(
          JsonMembers.of(new JsonValue.ObjectValue(Map.of()), "request", KMS_WORDING));
    }
    JsonValue value;
    try {
      value = JsonReader.parse(body);
    } catch (JsonException e) {
      throw new KmsException("SerializationException", "Malformed JSON request body");
    }
    return new KmsRequest(JsonMembers.of(value, "request", KMS_WORDING));
  }

  boolean has(String member) {
    return members.has(member);
  }

  Optional<String> string(String member) {
    return members.string(member);
  }

  String requiredString(String member) {
    String s = members.required(member);
    if (s.isEmpty()) {
      throw KmsException.validation(
          "1 validation error detected: Value '' at '"
              + lowerFirst(member)
              + "' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    return s;
  }

  boolean bool(String member) {
    return members.bool(member, false);
  }

  Optional<Integer> integer(String member) {
    return members.integer(member);
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
    return members.stringMap(member);
  }

  List<String> stringList(String member) {
    return members.strings(member);
  }

  /**
   * A tag list such as CreateKey's Tags ([{"TagKey": k, "TagValue": v}, ...]); absent means empty.
   */
  Map<String, String> tags(String member) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonValue e : members.array(member)) {
      if (!e.isObject()) {
        throw serialization(member);
      }
      KmsRequest tag = new KmsRequest(JsonMembers.of(e, member, KMS_WORDING));
      out.put(tag.requiredString("TagKey"), tag.string("TagValue").orElse(""));
    }
    return Collections.unmodifiableMap(out);
  }

  Optional<KmsRequest> object(String member) {
    return members.object(member, member).map(KmsRequest::new);
  }

  private static KmsException serialization(String member) {
    return new KmsException("SerializationException", "Unexpected JSON type for member " + member);
  }

  static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
