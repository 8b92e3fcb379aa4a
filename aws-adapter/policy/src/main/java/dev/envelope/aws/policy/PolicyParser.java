package dev.envelope.aws.policy;

import dev.envelope.aws.internal.json.JsonException;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns policy JSON into {@link PolicyDocument}; every rejection is a {@link PolicyException}. */
final class PolicyParser {
  private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
  private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
  private static final Set<String> STATEMENT_ELEMENTS =
      Set.of(
          "Sid",
          "Effect",
          "Principal",
          "NotPrincipal",
          "Action",
          "NotAction",
          "Resource",
          "NotResource",
          "Condition");
  private static final Set<String> PRINCIPAL_TYPES =
      Set.of("AWS", "Service", "Federated", "CanonicalUser");

  /** A service principal: {@code logs.us-east-1.amazonaws.com}, {@code s3.amazonaws.com.cn}. */
  private static final Pattern SERVICE_PRINCIPAL =
      Pattern.compile("[a-z0-9][a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?");

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+");

  private PolicyParser() {}

  static PolicyDocument parse(String json, String name) {
    return parse(json, name, false);
  }

  /**
   * @param keyPolicy read as KMS reads a key policy: a statement without Action or without Resource
   *     is accepted and has no effect (the PutKeyPolicy API reference, parameter Policy)
   */
  static PolicyDocument parse(String json, String name, boolean keyPolicy) {
    JsonValue root;
    try {
      // Strict: exactly one value, and duplicate keys are rejected rather than last-one-wins, so
      // that {"Effect":"Deny","Effect":"Allow"} cannot quietly become an Allow.
      root = JsonReader.parse(json);
    } catch (JsonException e) {
      throw new PolicyException("Policy is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new PolicyException("Policy must be a JSON object with a Statement element.");
    }
    Map<String, JsonValue> top = root.asObject();
    for (String k : top.keySet()) {
      if (!TOP_LEVEL.contains(k)) {
        throw new PolicyException(
            "Unknown top-level policy element '" + k + "'; expected Version, Id and Statement.");
      }
    }
    String version = optionalString(top.get("Version"), "Version");
    if (version != null && !VERSIONS.contains(version)) {
      throw new PolicyException(
          "Unsupported policy Version '" + version + "'; use \"2012-10-17\".");
    }
    String id = optionalString(top.get("Id"), "Id");
    JsonValue stmtNode = top.get("Statement");
    if (stmtNode == null || stmtNode.isNull()) {
      throw new PolicyException("Policy has no Statement element.");
    }
    List<JsonValue> raw;
    if (stmtNode.isArray()) {
      raw = stmtNode.asArray();
    } else if (stmtNode.isObject()) {
      raw = List.of(stmtNode);
    } else {
      throw new PolicyException("Statement must be an object or an array of objects.");
    }
    List<Statement> statements = new ArrayList<>(raw.size());
    // Policy variables exist only in the 2012-10-17 language; before it, ${...} is plain text.
    boolean variables = "2012-10-17".equals(version);
    for (int i = 0; i < raw.size(); i++) {
      statements.add(statement(i, raw.get(i), variables, keyPolicy));
    }
    return new PolicyDocument(json, version, id, name, statements);
  }

  private static Statement statement(
      int index, JsonValue node, boolean variables, boolean keyPolicy) {
    String where = "Statement #" + index;
    if (!node.isObject()) {
      throw new PolicyException(where + " must be a JSON object.");
    }
    Map<String, JsonValue> s = node.asObject();
    for (String k : s.keySet()) {
      if (!STATEMENT_ELEMENTS.contains(k)) {
        throw new PolicyException(
            where + " has unknown element '" + k + "' (element names are case-sensitive).");
      }
    }
    String sid = optionalString(s.get("Sid"), where + " Sid");
    if (sid != null) {
      where = "Statement '" + sid + "'";
    }
    String effectText = optionalString(s.get("Effect"), where + " Effect");
    if (effectText == null) {
      throw new PolicyException(where + " has no Effect; add \"Effect\": \"Allow\" or \"Deny\".");
    }
    StatementEffect effect =
        switch (effectText) {
          case "Allow" -> StatementEffect.ALLOW;
          case "Deny" -> StatementEffect.DENY;
          default ->
              throw new PolicyException(
                  where + " has Effect \"" + effectText + "\"; it must be \"Allow\" or \"Deny\".");
        };

    JsonValue principal = s.get("Principal");
    JsonValue notPrincipal = s.get("NotPrincipal");
    if (principal != null && notPrincipal != null) {
      throw new PolicyException(where + " has both Principal and NotPrincipal; keep one.");
    }
    Map<String, List<String>> principals = null;
    if (principal != null) {
      principals = principals(principal, where + " Principal");
    } else if (notPrincipal != null) {
      principals = principals(notPrincipal, where + " NotPrincipal");
    }

    List<String> actions = exactlyOne(s, "Action", "NotAction", where, keyPolicy);
    boolean notAction = s.containsKey("NotAction");
    for (String a : actions) {
      if (!ACTION.matcher(a).matches()) {
        throw new PolicyException(
            where + " has invalid action '" + a + "'; write service:Action, e.g. kms:Decrypt.");
      }
    }
    List<String> resources = exactlyOne(s, "Resource", "NotResource", where, keyPolicy);
    boolean notResource = s.containsKey("NotResource");
    if (variables) {
      for (String r : resources) {
        PolicyVariables.validate(r, where + " Resource");
      }
    }

    List<Condition> conditions = conditions(s.get("Condition"), where, variables);
    return new Statement(
        index,
        sid,
        effect,
        principals,
        notPrincipal != null,
        actions,
        notAction,
        resources,
        notResource,
        conditions,
        variables);
  }

  /** The values of one of the two elements; empty if neither is there and that is allowed. */
  private static List<String> exactlyOne(
      Map<String, JsonValue> s,
      String positive,
      String negative,
      String where,
      boolean neitherAllowed) {
    JsonValue p = s.get(positive);
    JsonValue n = s.get(negative);
    if (p != null && n != null) {
      throw new PolicyException(where + " has both " + positive + " and " + negative + ".");
    }
    if (p == null && n == null) {
      if (neitherAllowed) {
        return List.of(); // matches nothing: the statement has no effect
      }
      throw new PolicyException(where + " has neither " + positive + " nor " + negative + ".");
    }
    return stringList(p != null ? p : n, where + " " + (p != null ? positive : negative));
  }

  private static Map<String, List<String>> principals(JsonValue node, String where) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (node.isString()) {
      if (!"*".equals(node.asString())) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_PRINCIPAL,
            where
                + " must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}.");
      }
      out.put("AWS", List.of("*"));
      return out;
    }
    if (!node.isObject() || node.asObject().isEmpty()) {
      throw new PolicyException(
          PolicyException.Reason.INVALID_PRINCIPAL,
          where + " must be \"*\" or a non-empty object.");
    }
    for (Map.Entry<String, JsonValue> e : node.asObject().entrySet()) {
      if (!PRINCIPAL_TYPES.contains(e.getKey())) {
        throw new PolicyException(
            PolicyException.Reason.INVALID_PRINCIPAL,
            where
                + " has unknown principal type '"
                + e.getKey()
                + "'; use AWS, Service, Federated or CanonicalUser.");
      }
      List<String> values = stringList(e.getValue(), where + " " + e.getKey());
      if ("AWS".equals(e.getKey())) {
        for (String v : values) {
          validateAwsPrincipal(v, where);
        }
      } else if ("Service".equals(e.getKey())) {
        for (String v : values) {
          if (!SERVICE_PRINCIPAL.matcher(v).matches()) {
            throw new PolicyException(
                PolicyException.Reason.INVALID_PRINCIPAL,
                where
                    + " has invalid service principal '"
                    + v
                    + "'; write the service's name, e.g. s3.amazonaws.com.");
          }
        }
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  private static void validateAwsPrincipal(String v, String where) {
    if ("*".equals(v) || ACCOUNT_ID.matcher(v).matches()) {
      return;
    }
    if (v.indexOf('*') >= 0 || v.indexOf('?') >= 0) {
      // IAM matches principals literally; a wildcard here would silently never match, which for a
      // Deny means no protection at all.
      throw new PolicyException(
          PolicyException.Reason.INVALID_PRINCIPAL,
          where
              + " has wildcard principal '"
              + v
              + "'; principal ARNs cannot contain wildcards."
              + " Use \"*\" with an ArnLike condition on aws:PrincipalArn instead.");
    }
    Arn arn =
        Arn.parse(v)
            .orElseThrow(
                () ->
                    new PolicyException(
                        PolicyException.Reason.INVALID_PRINCIPAL,
                        where
                            + " has invalid AWS principal '"
                            + v
                            + "'; use \"*\", a 12-digit account id, or an IAM/STS ARN."));
    boolean iam = "iam".equals(arn.service());
    boolean sts = "sts".equals(arn.service());
    if ((!iam && !sts)
        || !ACCOUNT_ID.matcher(arn.account()).matches()
        || arn.resource().isEmpty()) {
      throw new PolicyException(
          PolicyException.Reason.INVALID_PRINCIPAL,
          where
              + " has invalid AWS principal '"
              + v
              + "'; use an account id or an arn:aws:iam::ACCOUNT:(root|user/..|role/..) ARN.");
    }
  }

  private static List<Condition> conditions(JsonValue node, String where, boolean variables) {
    if (node == null) {
      return List.of();
    }
    if (!node.isObject()) {
      throw new PolicyException(where + " Condition must be an object of operators.");
    }
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<String, JsonValue> op : node.asObject().entrySet()) {
      if (!op.getValue().isObject() || op.getValue().asObject().isEmpty()) {
        throw new PolicyException(
            where
                + " Condition operator "
                + op.getKey()
                + " must map to a non-empty object of condition keys.");
      }
      for (Map.Entry<String, JsonValue> kv : op.getValue().asObject().entrySet()) {
        List<String> values =
            scalarList(kv.getValue(), where + " Condition " + op.getKey() + " " + kv.getKey());
        try {
          out.add(Condition.of(op.getKey(), kv.getKey(), values, variables));
        } catch (PolicyException e) {
          throw new PolicyException(where + ": " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private static String optionalString(JsonValue node, String what) {
    if (node == null) {
      return null;
    }
    if (!node.isString()) {
      throw new PolicyException(what + " must be a string.");
    }
    return node.asString();
  }

  private static List<String> stringList(JsonValue node, String what) {
    if (node.isString()) {
      return List.of(node.asString());
    }
    if (node.isArray() && !node.asArray().isEmpty()) {
      List<String> out = new ArrayList<>();
      for (JsonValue n : node.asArray()) {
        if (!n.isString()) {
          throw new PolicyException(what + " must contain only strings.");
        }
        out.add(n.asString());
      }
      return out;
    }
    throw new PolicyException(what + " must be a string or a non-empty array of strings.");
  }

  /** Condition values may be strings, numbers or booleans, alone or in an array. */
  private static List<String> scalarList(JsonValue node, String what) {
    if (node.isArray()) {
      if (node.asArray().isEmpty()) {
        throw new PolicyException(what + " has no values.");
      }
      List<String> out = new ArrayList<>();
      for (JsonValue n : node.asArray()) {
        out.add(scalar(n, what));
      }
      return out;
    }
    return List.of(scalar(node, what));
  }

  private static String scalar(JsonValue n, String what) {
    if (n.isString()) {
      return n.asString();
    }
    if (n.isNumber()) {
      return n.asNumber();
    }
    if (n.isBoolean()) {
      return Boolean.toString(n.asBoolean());
    }
    throw new PolicyException(what + " values must be strings, numbers or booleans.");
  }
}
