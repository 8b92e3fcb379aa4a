package dev.envelope.aws.policy.doctor;

import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Policies in the environment file may be JSON objects or strings holding JSON; the policy
 * parser wants text, so objects are written back out. Serialization is canonical enough for
 * parsing (no pretty-printing); the original formatting does not matter to the evaluator.
 */
final class PolicyText {
  private PolicyText() {}

  static String of(JsonNode node) {
    if (node.isString()) {
      return node.asString();
    }
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode n, StringBuilder out) {
    if (n.isNull()) {
      out.append("null");
    } else if (n.isString()) {
      quote(n.asString(), out);
    } else if (n.isNumber()) {
      out.append(n.asNumber());
    } else if (n.isBoolean()) {
      out.append(n.asBoolean());
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.asArray().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(n.asArray().get(i), out);
      }
      out.append(']');
    } else {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : n.asObject().entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(e.getKey(), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (char c : s.toCharArray()) {
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
}
