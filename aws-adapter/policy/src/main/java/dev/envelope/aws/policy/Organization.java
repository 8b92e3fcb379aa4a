package dev.envelope.aws.policy;

import static dev.envelope.aws.internal.json.JsonMembers.PLAIN;

import dev.envelope.aws.internal.json.JsonException;
import dev.envelope.aws.internal.json.JsonMembers;
import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An AWS Organizations organization as far as authorization cares: its accounts (each with its path
 * of organizational units), its management account, and the service control policies (SCPs) and
 * resource control policies (RCPs) attached to the root, to OUs and to accounts. Immutable.
 *
 * <p>What the evaluator does with it (AWS Organizations User Guide, "Service control policies" and
 * "Resource control policies"; IAM User Guide, "Policy evaluation logic"; KMS developer guide,
 * "Resource control policies in AWS KMS"):
 *
 * <ul>
 *   <li>SCPs limit the principals of member accounts, their root users included, whatever allows
 *       the request (key policy, IAM policy or grant). At every level from the root down to the
 *       account some attached SCP must allow the action, and a Deny in any of them denies. They do
 *       not affect principals of the management account, nor service-linked roles.
 *   <li>AWS attaches FullAWSAccess to every root, OU and account; it stays unless {@code
 *       fullAwsAccess} is false (an allow-list strategy, where each level needs its own Allow).
 *   <li>RCPs limit access to the resources (here: keys) of member accounts, by anyone, from inside
 *       or outside the organization. RCPFullAWSAccess cannot be detached, so only their Deny
 *       statements matter. They do not affect keys of the management account, requests of
 *       service-linked roles, nor kms:RetireGrant.
 * </ul>
 *
 * <p>JSON form, as the {@code organization} member of a local KMS or access-doctor file:
 *
 * <pre>{@code
 * {"id": "o-a1b2c3d4e5", "rootId": "r-ab12", "managementAccount": "111122223333",
 *  "accounts": ["111122223333", {"id": "444455556666", "path": ["ou-ab12-prod"]}],
 *  "fullAwsAccess": true,
 *  "scps": [{"name": "DenyOutsideRegions", "targets": ["r-ab12"], "policy": {...}}],
 *  "rcps": [{"name": "Perimeter", "targets": ["ou-ab12-prod"], "policy": {...}}]}
 * }</pre>
 */
public final class Organization {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final String DEFAULT_ROOT = "r-root";

  /** An SCP or RCP and where it is attached: the root id, OU ids and account ids. */
  public record AttachedPolicy(String name, PolicyDocument policy, Set<String> targets) {
    public AttachedPolicy {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(policy, "policy");
      targets = Set.copyOf(targets);
    }
  }

  private final String id;
  private final String rootId;
  private final String managementAccount;
  private final Map<String, List<String>> accountPaths;
  private final boolean fullAwsAccess;
  private final List<AttachedPolicy> scps;
  private final List<AttachedPolicy> rcps;

  private Organization(Builder b) {
    this.id = Objects.requireNonNull(b.id, "organization id");
    this.rootId = b.rootId;
    this.managementAccount = b.managementAccount;
    Map<String, List<String>> paths = new LinkedHashMap<>();
    b.accountPaths.forEach((k, v) -> paths.put(k, List.copyOf(v)));
    if (managementAccount != null) {
      paths.putIfAbsent(managementAccount, List.of());
    }
    this.accountPaths = Map.copyOf(paths);
    this.fullAwsAccess = b.fullAwsAccess;
    this.scps = List.copyOf(b.scps);
    this.rcps = List.copyOf(b.rcps);
  }

  public static Builder builder(String organizationId) {
    return new Builder(organizationId);
  }

  /**
   * Reads the JSON form (see the class comment).
   *
   * @throws IllegalArgumentException if it is malformed or holds a policy that does not parse
   */
  public static Organization fromJson(String json) {
    JsonValue root;
    try {
      root = JsonReader.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException("organization is not valid JSON: " + e.getMessage(), e);
    }
    JsonMembers m = JsonMembers.of(root, "organization", PLAIN);
    m.onlyKnown(
        Set.of("id", "rootId", "managementAccount", "accounts", "fullAwsAccess", "scps", "rcps"));
    Builder b = builder(m.required("id"));
    m.string("rootId").ifPresent(b::rootId);
    m.string("managementAccount").ifPresent(b::managementAccount);
    b.fullAwsAccess(m.bool("fullAwsAccess", true));
    List<JsonValue> accounts = m.array("accounts");
    for (int i = 0; i < accounts.size(); i++) {
      JsonValue a = accounts.get(i);
      if (a.isString()) {
        b.account(a.asString());
      } else {
        JsonMembers am = JsonMembers.of(a, "organization.accounts[" + i + "]", PLAIN);
        am.onlyKnown(Set.of("id", "path"));
        b.account(am.required("id"), am.strings("path"));
      }
    }
    attached(m.array("scps"), "organization.scps", false).forEach(b::scp);
    attached(m.array("rcps"), "organization.rcps", true).forEach(b::rcp);
    return b.build();
  }

  private static List<AttachedPolicy> attached(List<JsonValue> nodes, String what, boolean rcp) {
    List<AttachedPolicy> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonMembers p = JsonMembers.of(nodes.get(i), what + "[" + i + "]", PLAIN);
      p.onlyKnown(Set.of("name", "targets", "policy"));
      String name = p.string("name").orElse((rcp ? "RCP#" : "SCP#") + i);
      String text = JsonOutput.textOf(p.value("policy").orElseThrow(() -> missing(p, "policy")));
      PolicyDocument doc;
      try {
        // An SCP names no principal; an RCP names "*" (Organizations User Guide, policy syntax).
        doc = (rcp ? PolicyDocument.parse(text) : PolicyDocument.parseIdentityPolicy(text));
      } catch (PolicyException e) {
        throw new IllegalArgumentException(p.where() + " (" + name + "): " + e.getMessage(), e);
      }
      List<String> targets = p.strings("targets");
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(
            p.where() + " (" + name + ") needs 'targets': the root id, OU ids or account ids");
      }
      out.add(new AttachedPolicy(name, doc.withName(name), Set.copyOf(targets)));
    }
    return out;
  }

  private static IllegalArgumentException missing(JsonMembers m, String member) {
    return new IllegalArgumentException(m.where() + " needs '" + member + "'");
  }

  /** The organization id, {@code o-...}: aws:PrincipalOrgID and aws:ResourceOrgID. */
  public String id() {
    return id;
  }

  public String rootId() {
    return rootId;
  }

  public Optional<String> managementAccount() {
    return Optional.ofNullable(managementAccount);
  }

  /** True if the account is in the organization. */
  public boolean contains(String accountId) {
    return accountPaths.containsKey(accountId);
  }

  /** The accounts of the organization. */
  public Set<String> accounts() {
    return accountPaths.keySet();
  }

  /** True for a member account: in the organization and not its management account. */
  public boolean isMember(String accountId) {
    return contains(accountId) && !accountId.equals(managementAccount);
  }

  /** aws:PrincipalOrgPaths / aws:ResourceOrgPaths: {@code o-id/r-root/ou-1/ou-2/}. */
  public Optional<String> orgPath(String accountId) {
    List<String> path = accountPaths.get(accountId);
    if (path == null) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(id).append('/').append(rootId).append('/');
    path.forEach(ou -> out.append(ou).append('/'));
    return Optional.of(out.toString());
  }

  public boolean fullAwsAccess() {
    return fullAwsAccess;
  }

  public List<AttachedPolicy> scps() {
    return scps;
  }

  public List<AttachedPolicy> rcps() {
    return rcps;
  }

  /**
   * The levels an account's requests pass through, from the root down: the root id, each OU of the
   * account's path, the account itself.
   */
  List<String> levels(String accountId) {
    List<String> levels = new ArrayList<>();
    levels.add(rootId);
    levels.addAll(accountPaths.getOrDefault(accountId, List.of()));
    levels.add(accountId);
    return levels;
  }

  /** The policies of {@code from} attached at one level. */
  static List<AttachedPolicy> at(List<AttachedPolicy> from, String level) {
    return from.stream().filter(p -> p.targets().contains(level)).toList();
  }

  @Override
  public String toString() {
    return "Organization["
        + id
        + ", accounts="
        + accountPaths.size()
        + ", scps="
        + scps.size()
        + ", rcps="
        + rcps.size()
        + "]";
  }

  /** Builds an {@link Organization}. */
  public static final class Builder {
    private final String id;
    private String rootId = DEFAULT_ROOT;
    private String managementAccount;
    private final Map<String, List<String>> accountPaths = new LinkedHashMap<>();
    private boolean fullAwsAccess = true;
    private final List<AttachedPolicy> scps = new ArrayList<>();
    private final List<AttachedPolicy> rcps = new ArrayList<>();

    private Builder(String id) {
      if (id == null || !id.matches("o-[a-z0-9]{4,32}")) {
        throw new IllegalArgumentException("organization id must look like o-a1b2c3d4e5: " + id);
      }
      this.id = id;
    }

    public Builder rootId(String rootId) {
      this.rootId = Objects.requireNonNull(rootId);
      return this;
    }

    public Builder managementAccount(String account) {
      this.managementAccount = checkAccount(account);
      return this;
    }

    /** An account directly under the root. */
    public Builder account(String account) {
      return account(account, List.of());
    }

    /** An account under the given OUs, outermost first. */
    public Builder account(String account, List<String> ouPath) {
      accountPaths.put(checkAccount(account), List.copyOf(ouPath));
      return this;
    }

    /** Whether AWS's default FullAWSAccess SCP stays attached at every level (the default). */
    public Builder fullAwsAccess(boolean attached) {
      this.fullAwsAccess = attached;
      return this;
    }

    public Builder scp(AttachedPolicy scp) {
      scps.add(scp);
      return this;
    }

    public Builder rcp(AttachedPolicy rcp) {
      rcps.add(rcp);
      return this;
    }

    public Organization build() {
      return new Organization(this);
    }

    private static String checkAccount(String account) {
      if (account == null || !ACCOUNT.matcher(account).matches()) {
        throw new IllegalArgumentException("account id must be 12 digits: " + account);
      }
      return account;
    }
  }
}
