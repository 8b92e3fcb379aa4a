package dev.envelope.aws.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One statement of a {@link PolicyDocument}. Immutable. Exactly one of Action/NotAction and of
 * Resource/NotResource is present; Principal/NotPrincipal may both be absent (identity policies).
 */
public final class Statement {
  private final int index;
  private final String sid;
  private final StatementEffect effect;
  private final Map<String, List<String>> principals;
  private final boolean notPrincipal;
  private final List<String> actions;
  private final boolean notAction;
  private final List<String> resources;
  private final boolean notResource;
  private final List<Condition> conditions;

  /** True in a Version 2012-10-17 policy, where ${...} in Resource is a policy variable. */
  private final boolean variables;

  Statement(
      int index,
      String sid,
      StatementEffect effect,
      Map<String, List<String>> principals,
      boolean notPrincipal,
      List<String> actions,
      boolean notAction,
      List<String> resources,
      boolean notResource,
      List<Condition> conditions,
      boolean variables) {
    this.index = index;
    this.sid = sid;
    this.effect = effect;
    this.principals = principals == null ? null : Map.copyOf(principals);
    this.notPrincipal = notPrincipal;
    this.actions = List.copyOf(actions);
    this.notAction = notAction;
    this.resources = List.copyOf(resources);
    this.notResource = notResource;
    this.conditions = List.copyOf(conditions);
    this.variables = variables;
  }

  /** A copy with other conditions. */
  Statement withConditions(List<Condition> replacement) {
    return new Statement(
        index,
        sid,
        effect,
        principals,
        notPrincipal,
        actions,
        notAction,
        resources,
        notResource,
        replacement,
        variables);
  }

  /** Zero-based position of the statement in its policy. */
  public int index() {
    return index;
  }

  public Optional<String> sid() {
    return Optional.ofNullable(sid);
  }

  /** {@code statement 'Sid'}, or {@code statement #index} when the statement has no Sid. */
  public String label() {
    return sid != null && !sid.isEmpty() ? "statement '" + sid + "'" : "statement #" + index;
  }

  public StatementEffect effect() {
    return effect;
  }

  /** True if the statement has a Principal or NotPrincipal element. */
  public boolean hasPrincipal() {
    return principals != null;
  }

  /**
   * Principal (or NotPrincipal) values by type ({@code AWS}, {@code Service}, {@code Federated},
   * {@code CanonicalUser}); {@code "Principal": "*"} appears as {@code AWS: ["*"]}. Empty if the
   * statement names no principal.
   */
  public Map<String, List<String>> principals() {
    return principals == null ? Map.of() : principals;
  }

  /** True if {@link #principals()} came from NotPrincipal. */
  public boolean notPrincipal() {
    return notPrincipal;
  }

  /** Action (or NotAction) patterns as written. */
  public List<String> actions() {
    return actions;
  }

  public boolean notAction() {
    return notAction;
  }

  /** Resource (or NotResource) patterns as written. */
  public List<String> resources() {
    return resources;
  }

  public boolean notResource() {
    return notResource;
  }

  /**
   * True for a key policy statement without Action or without Resource, which KMS accepts and which
   * applies to no request (the PutKeyPolicy API reference, parameter Policy).
   */
  public boolean ineffective() {
    return actions.isEmpty() || resources.isEmpty();
  }

  public List<Condition> conditions() {
    return conditions;
  }

  /** Action matching is case-insensitive with * and ? wildcards, as in IAM. */
  boolean matchesAction(String action) {
    boolean listed = actions.stream().anyMatch(p -> Wildcards.matches(p, action, true));
    return listed != notAction;
  }

  /**
   * Resource ARNs are matched case-sensitively with wildcards, after policy variables are replaced
   * from the request. A pattern whose variable cannot be resolved matches nothing, as IAM
   * documents. Under NotResource that would make the statement cover every resource, so there the
   * effect decides, as for negated condition operators (see {@link Condition}): an Allow with such
   * a NotResource applies to nothing, a Deny keeps applying to everything it names not.
   */
  boolean matchesResource(String resourceArn, RequestContext ctx) {
    boolean listed = false;
    for (String pattern : resources) {
      Optional<Boolean> m = resourceMatches(pattern, resourceArn, ctx);
      if (m.isEmpty() && notResource && effect == StatementEffect.ALLOW) {
        return false;
      }
      listed |= m.orElse(false);
    }
    return listed != notResource;
  }

  /** Whether the pattern matches; empty if its policy variable cannot be resolved. */
  private Optional<Boolean> resourceMatches(
      String pattern, String resourceArn, RequestContext ctx) {
    if (!variables || !PolicyVariables.has(pattern)) {
      return Optional.of(Wildcards.matches(pattern, resourceArn, false));
    }
    return PolicyVariables.resolve(pattern, ctx)
        .map(r -> Wildcards.matches(r.text(), r.literal(), resourceArn, false));
  }

  /** The first condition that does not hold, if any. */
  Optional<Condition> firstFailingCondition(RequestContext ctx) {
    return conditions.stream().filter(c -> !c.test(ctx, effect)).findFirst();
  }

  @Override
  public String toString() {
    return label() + " (" + effect + ")";
  }
}
