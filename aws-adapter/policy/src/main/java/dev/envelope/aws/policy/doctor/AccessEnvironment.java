package dev.envelope.aws.policy.doctor;

import static dev.envelope.aws.internal.json.JsonMembers.PLAIN;

import dev.envelope.aws.internal.json.JsonException;
import dev.envelope.aws.internal.json.JsonMembers;
import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.Organization;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.PolicyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A local description of who may do what with which keys: key policies, the callers' IAM policies
 * and the keys' grants. Immutable. Read from JSON; the format is a superset of the local KMS
 * configuration ({@code dev.envelope.aws.local.LocalKmsConfig}), so the file that configures a
 * local KMS can be asked questions directly. Server settings in it (port, quotas, latency, secrets)
 * are accepted and ignored.
 *
 * <pre>{@code
 * {
 *   "accounts": ["111122223333"],
 *   "region": "us-east-1",
 *   "principals": [
 *     {"arn": "arn:aws:iam::111122223333:role/App", "principalOrgId": "o-abc",
 *      "policies": [ {"Version": "2012-10-17", "Statement": [...]} ],
 *      "permissionsBoundary": {...}, "sessionPolicies": [ {...} ]} ],
 *   "organization": {"id": "o-a1b2c3d4e5", "accounts": [...], "scps": [...], "rcps": [...]},
 *   "keys": [
 *     {"keyId": "1234abcd-...", "account": "111122223333", "region": "us-east-1",
 *      "policy": {...}, "state": "Enabled", "aliases": ["alias/app"],
 *      "multiRegion": false, "replicaRegions": []} ],
 *   "grants": [
 *     {"GrantId": "g1", "KeyId": "arn:aws:kms:...:key/1234abcd-...", "GranteePrincipal": "...",
 *      "RetiringPrincipal": null, "Operations": ["Decrypt"],
 *      "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}},
 *      "Name": "...", "IssuingAccount": "arn:aws:iam::111122223333:root",
 *      "GrantToken": "...", "Propagated": true} ]
 * }
 * }</pre>
 *
 * {@code accounts} is optional; when given, every key and principal must belong to one of them. A
 * key without {@code policy} has the KMS default key policy (the account is trusted, IAM decides).
 * Grants use the member names of {@code aws kms list-grants} output (any case), so its {@code
 * Grants} array can be pasted in; {@code GrantToken} and {@code Propagated} are additions.
 */
public final class AccessEnvironment {
  /**
   * Region of an environment that names none. The local KMS uses the same defaults (it reads a
   * subset of this format), so that one file means the same thing to both.
   */
  public static final String DEFAULT_REGION = "us-east-1";

  /** Account of a key or principal that names none (the AWS documentation's example account). */
  public static final String DEFAULT_ACCOUNT = "111122223333";

  private static final Set<String> TOP =
      Set.of(
          "accounts",
          "region",
          "principals",
          "keys",
          "grants",
          "organization",
          // local KMS server settings, accepted so that its config file can be used as-is
          "port",
          "requestsPerSecond",
          "latencyMillis",
          "grantPropagationDelayMillis",
          "verifySignatures",
          "auditFile");
  private static final Set<String> PRINCIPAL =
      Set.of(
          "arn",
          "policies",
          "principalOrgId",
          "viaService",
          "accessKeyId",
          "secretAccessKey",
          "permissionsBoundary",
          "sessionPolicies");
  private static final Set<String> KEY =
      Set.of(
          "keyId",
          "arn",
          "account",
          "region",
          "policy",
          "state",
          "aliases",
          "description",
          "multiRegion",
          "replicaRegions");
  private static final Set<String> GRANT =
      Set.of(
          "grantid",
          "keyid",
          "keyarn",
          "granteeprincipal",
          "retiringprincipal",
          "operations",
          "constraints",
          "name",
          "issuingaccount",
          "creationdate",
          "granttoken",
          "propagated");
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::\\d{12}:.+");
  private static final Set<String> STATES = Set.of("Enabled", "Disabled", "PendingDeletion");

  private final List<EnvKey> keys;
  private final List<EnvPrincipal> principals;
  private final List<EnvGrant> grants;
  private final Organization organization;

  private AccessEnvironment(
      List<EnvKey> keys,
      List<EnvPrincipal> principals,
      List<EnvGrant> grants,
      Organization organization) {
    this.keys = List.copyOf(keys);
    this.principals = List.copyOf(principals);
    this.grants = List.copyOf(grants);
    this.organization = organization;
  }

  /**
   * Reads an environment file.
   *
   * @throws IllegalArgumentException if the file is not valid JSON, has unknown members, or holds a
   *     policy that does not parse; the message says where
   * @throws UncheckedIOException if the file cannot be read
   */
  public static AccessEnvironment load(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses an environment; see the class comment for the format. */
  public static AccessEnvironment fromJson(String json) {
    JsonMembers top = JsonMembers.of(parse(json, "environment"), "environment", PLAIN);
    top.onlyKnown(TOP);
    String region = top.string("region").orElse(DEFAULT_REGION);
    List<EnvPrincipal> principals = new ArrayList<>();
    List<JsonValue> ps = top.array("principals");
    for (int i = 0; i < ps.size(); i++) {
      principals.add(principal(JsonMembers.of(ps.get(i), "principals[" + i + "]", PLAIN)));
    }
    List<EnvKey> keys = new ArrayList<>();
    List<JsonValue> ks = top.array("keys");
    for (int i = 0; i < ks.size(); i++) {
      keys.add(key(JsonMembers.of(ks.get(i), "keys[" + i + "]", PLAIN), region));
    }
    List<EnvGrant> grants = grants(top.array("grants"), "grants", keys);
    checkDeclaredAccounts(top.strings("accounts"), keys, principals);
    Organization org =
        top.value("organization")
            .map(o -> Organization.fromJson(JsonOutput.textOf(o)))
            .orElse(null);
    return new AccessEnvironment(keys, principals, grants, org);
  }

  /**
   * Parses a grants file: a JSON array of grants, or {@code aws kms list-grants} output (an object
   * with a {@code Grants} array).
   */
  public static List<Grant> parseGrants(String json) {
    JsonValue root = parse(json, "grants file");
    List<JsonValue> list;
    if (root.isArray()) {
      list = root.asArray();
    } else {
      JsonMembers m = JsonMembers.caseInsensitive(root, "grants file", PLAIN);
      m.onlyKnown(Set.of("grants", "truncated", "nextmarker"));
      list = m.array("grants");
    }
    return grants(list, "grants", List.of()).stream().map(EnvGrant::grant).toList();
  }

  /** The ARNs of the keys described (the primary Region's ARN of each). */
  public List<String> keyArns() {
    return keys.stream().map(EnvKey::primaryArn).toList();
  }

  /** The organization of the accounts, with its SCPs and RCPs, if described. */
  public Optional<Organization> organization() {
    return Optional.ofNullable(organization);
  }

  /** The accounts of the keys and principals described. */
  public Set<String> accounts() {
    Set<String> out = new java.util.TreeSet<>();
    keys.forEach(k -> out.add(k.accountId()));
    principals.forEach(p -> out.add(p.arn().split(":")[4]));
    return out;
  }

  /** The ARNs of the principals described. */
  public List<String> principalArns() {
    return principals.stream().map(EnvPrincipal::arn).toList();
  }

  // ---- lookups used by AccessDoctor ---------------------------------------------------------

  /** The key with this key ARN (any Region of a multi-Region key) or alias ARN. */
  Optional<EnvKey> keyByArn(String arn) {
    return keys.stream()
        .filter(k -> k.arns().contains(arn) || k.aliasArns().contains(arn))
        .findFirst();
  }

  /** The first principal whose ARN is the caller's or, for a role session, the role's. */
  Optional<EnvPrincipal> principal(String callerArn, String principalArn) {
    return principals.stream()
        .filter(p -> p.arn().equals(callerArn))
        .findFirst()
        .or(() -> principals.stream().filter(p -> p.arn().equals(principalArn)).findFirst());
  }

  List<EnvGrant> grants() {
    return grants;
  }

  // ---- parsing ----------------------------------------------------------------------------

  private static JsonValue parse(String json, String what) {
    try {
      return JsonReader.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * As in the local KMS: once accounts are declared, every key and principal must be in one, so
   * that a mistyped account id is an error rather than a silent cross-account path.
   */
  private static void checkDeclaredAccounts(
      List<String> declared, List<EnvKey> keys, List<EnvPrincipal> principals) {
    if (declared.isEmpty()) {
      return;
    }
    for (EnvKey k : keys) {
      if (!declared.contains(k.accountId())) {
        throw new IllegalArgumentException(
            "key "
                + k.keyId()
                + " is in undeclared account "
                + k.accountId()
                + "; declared accounts: "
                + declared);
      }
    }
    for (EnvPrincipal p : principals) {
      String account = p.arn().split(":")[4];
      if (!declared.contains(account)) {
        throw new IllegalArgumentException(
            "principal "
                + p.arn()
                + " is in undeclared account "
                + account
                + "; declared accounts: "
                + declared);
      }
    }
  }

  private static EnvPrincipal principal(JsonMembers m) {
    m.onlyKnown(PRINCIPAL);
    String arn = m.required("arn");
    if (!PRINCIPAL_ARN.matcher(arn).matches()) {
      throw new IllegalArgumentException(
          m.where()
              + ": arn must be an IAM or STS principal ARN"
              + " such as arn:aws:iam::111122223333:role/App, got "
              + arn);
    }
    List<PolicyDocument> policies = new ArrayList<>();
    List<JsonValue> nodes = m.array("policies");
    for (int i = 0; i < nodes.size(); i++) {
      String where = m.where() + " (" + arn + ") policies[" + i + "]";
      try {
        policies.add(
            PolicyDocument.parseIdentityPolicy(JsonOutput.textOf(nodes.get(i)))
                .withName(shortName(arn) + "#" + i));
      } catch (PolicyException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    PolicyDocument boundary = null;
    if (m.has("permissionsBoundary")) {
      String where = m.where() + " (" + arn + ") permissionsBoundary";
      try {
        boundary =
            PolicyDocument.parseIdentityPolicy(
                    JsonOutput.textOf(m.value("permissionsBoundary").orElseThrow()))
                .withName(shortName(arn) + " boundary");
      } catch (PolicyException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    List<PolicyDocument> session = new ArrayList<>();
    List<JsonValue> sessionNodes = m.array("sessionPolicies");
    for (int i = 0; i < sessionNodes.size(); i++) {
      String where = m.where() + " (" + arn + ") sessionPolicies[" + i + "]";
      try {
        session.add(
            PolicyDocument.parseIdentityPolicy(JsonOutput.textOf(sessionNodes.get(i)))
                .withName(shortName(arn) + " session#" + i));
      } catch (PolicyException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new EnvPrincipal(
        arn, policies, m.string("principalOrgId").orElse(null), boundary, session);
  }

  private static String shortName(String arn) {
    return arn.substring(arn.lastIndexOf(':') + 1);
  }

  private static EnvKey key(JsonMembers m, String defaultRegion) {
    m.onlyKnown(KEY);
    String keyId;
    String account;
    String region;
    if (m.has("arn")) {
      String[] parts = m.required("arn").split(":", 6);
      if (parts.length != 6
          || !parts[0].equals("arn")
          || !parts[2].equals("kms")
          || !parts[5].startsWith("key/")) {
        throw new IllegalArgumentException(
            m.where() + ": arn must be arn:aws:kms:REGION:ACCOUNT:key/ID");
      }
      region = parts[3];
      account = parts[4];
      keyId = parts[5].substring(4);
    } else {
      keyId = m.required("keyId");
      account = m.string("account").orElse(DEFAULT_ACCOUNT);
      region = m.string("region").orElse(defaultRegion);
    }
    if (!account.matches("\\d{12}")) {
      throw new IllegalArgumentException(m.where() + ": account must be 12 digits: " + account);
    }
    String state = m.string("state").orElse("Enabled");
    if (!STATES.contains(state)) {
      throw new IllegalArgumentException(
          m.where() + ": state must be Enabled, Disabled or PendingDeletion: " + state);
    }
    Set<String> regions = new LinkedHashSet<>();
    regions.add(region);
    regions.addAll(m.strings("replicaRegions"));
    if (regions.size() > 1 && !keyId.startsWith("mrk-")) {
      // As in KMS, where only multi-Region keys have replicas and their ids start with mrk-.
      throw new IllegalArgumentException(
          m.where()
              + ": only multi-Region keys (ids starting"
              + " with mrk-) have replicaRegions: "
              + keyId);
    }
    List<String> arns = new ArrayList<>();
    List<String> aliasArns = new ArrayList<>();
    for (String r : regions) {
      arns.add("arn:aws:kms:" + r + ":" + account + ":key/" + keyId);
      for (String alias : m.strings("aliases")) {
        aliasArns.add("arn:aws:kms:" + r + ":" + account + ":" + alias);
      }
    }
    String policyText =
        m.has("policy")
            ? JsonOutput.textOf(m.value("policy").orElseThrow())
            : PolicyDocument.defaultKeyPolicyJson(account);
    PolicyDocument policy;
    try {
      policy = PolicyDocument.parseKeyPolicy(policyText);
    } catch (PolicyException e) {
      throw new IllegalArgumentException(
          m.where()
              + " ("
              + keyId
              + ") policy: "
              + e.getMessage()
              + " Run 'envelope lint-policy' on it for details.",
          e);
    }
    return new EnvKey(keyId, account, region, arns, aliasArns, state, policy);
  }

  private static List<EnvGrant> grants(List<JsonValue> nodes, String what, List<EnvKey> keys) {
    List<EnvGrant> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonMembers m = JsonMembers.caseInsensitive(nodes.get(i), what + "[" + i + "]", PLAIN);
      m.onlyKnown(GRANT);
      String id = m.required("grantid");
      if (!ids.add(id)) {
        throw new IllegalArgumentException(m.where() + ": duplicate GrantId " + id);
      }
      String keyRef = m.string("keyarn").or(() -> m.string("keyid")).orElse(null);
      String keyArn = resolveKey(keyRef, keys, m.where());
      List<String> ops = m.strings("operations");
      if (ops.isEmpty()) {
        throw new IllegalArgumentException(m.where() + " needs 'Operations'");
      }
      Map<String, String> eq = Map.of();
      Map<String, String> subset = Map.of();
      if (m.has("constraints")) {
        JsonMembers c =
            JsonMembers.caseInsensitive(
                m.value("constraints").orElseThrow(), m.where() + ".Constraints", PLAIN);
        c.onlyKnown(Set.of("encryptioncontextequals", "encryptioncontextsubset"));
        eq = c.stringMap("encryptioncontextequals");
        subset = c.stringMap("encryptioncontextsubset");
      }
      String issuing = m.string("issuingaccount").orElse(null);
      if (issuing != null && issuing.startsWith("arn:")) {
        issuing = issuing.split(":")[4];
      }
      Grant g =
          new Grant(
              id,
              keyArn,
              m.required("granteeprincipal"),
              m.string("retiringprincipal").orElse(null),
              Set.copyOf(canonical(ops)),
              eq,
              subset,
              m.string("name").orElse(null),
              issuing);
      out.add(new EnvGrant(g, m.string("granttoken").orElse(null), m.bool("propagated", true)));
    }
    return out;
  }

  /** Operation names as KMS spells them (grant files are often hand-written). */
  private static List<String> canonical(List<String> ops) {
    return ops.stream().map(o -> o.startsWith("kms:") ? o.substring(4) : o).toList();
  }

  /** A grant's key: an ARN as given, or a bare key id matched against the described keys. */
  private static String resolveKey(String ref, List<EnvKey> keys, String where) {
    if (ref == null || ref.startsWith("arn:")) {
      return ref;
    }
    return keys.stream()
        .filter(k -> k.keyId().equals(ref))
        .map(EnvKey::primaryArn)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    where
                        + ": KeyId "
                        + ref
                        + " is not a key of this environment; use the key ARN"));
  }

  @Override
  public String toString() {
    return "AccessEnvironment[keys="
        + keys.size()
        + ", principals="
        + principals.size()
        + ", grants="
        + grants.size()
        + "]";
  }
}
