package dev.envelope.aws.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The caller's side of an authorization: its identity-based policies, the permissions boundary of
 * its IAM user or role, and the session policies passed when its role session was created.
 * Immutable.
 *
 * <p>IAM User Guide, "Policy evaluation logic": a permissions boundary and session policies never
 * grant; they limit what identity-based policies (and resource-based policies that name the role,
 * not the session) allow. "Session policies" is only meaningful for sessions (assumed-role or
 * federated-user callers); an empty list means none was passed, which limits nothing.
 */
public final class CallerPolicies {
  private static final CallerPolicies NONE = new CallerPolicies(List.of(), null, List.of());

  private final List<PolicyDocument> identityPolicies;
  private final PolicyDocument permissionsBoundary;
  private final List<PolicyDocument> sessionPolicies;

  private CallerPolicies(
      List<PolicyDocument> identity, PolicyDocument boundary, List<PolicyDocument> session) {
    this.identityPolicies = List.copyOf(identity);
    this.permissionsBoundary = boundary;
    this.sessionPolicies = List.copyOf(session);
  }

  /** No policies at all. */
  public static CallerPolicies none() {
    return NONE;
  }

  /** Identity-based policies only, without boundary or session policies. */
  public static CallerPolicies of(List<PolicyDocument> identityPolicies) {
    return identityPolicies == null || identityPolicies.isEmpty()
        ? NONE
        : new CallerPolicies(identityPolicies, null, List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<PolicyDocument> identityPolicies() {
    return identityPolicies;
  }

  public Optional<PolicyDocument> permissionsBoundary() {
    return Optional.ofNullable(permissionsBoundary);
  }

  public List<PolicyDocument> sessionPolicies() {
    return sessionPolicies;
  }

  @Override
  public String toString() {
    return "CallerPolicies[identity="
        + identityPolicies.size()
        + ", boundary="
        + (permissionsBoundary != null)
        + ", session="
        + sessionPolicies.size()
        + "]";
  }

  /** Builds {@link CallerPolicies}. */
  public static final class Builder {
    private final List<PolicyDocument> identity = new ArrayList<>();
    private PolicyDocument boundary;
    private final List<PolicyDocument> session = new ArrayList<>();

    private Builder() {}

    public Builder identityPolicy(PolicyDocument policy) {
      identity.add(Objects.requireNonNull(policy));
      return this;
    }

    public Builder identityPolicies(List<PolicyDocument> policies) {
      identity.addAll(policies);
      return this;
    }

    /** The managed policy set as the permissions boundary of the caller's user or role. */
    public Builder permissionsBoundary(PolicyDocument boundary) {
      this.boundary = boundary;
      return this;
    }

    /** A session policy passed to AssumeRole (or GetFederationToken) for the caller's session. */
    public Builder sessionPolicy(PolicyDocument policy) {
      session.add(Objects.requireNonNull(policy));
      return this;
    }

    public Builder sessionPolicies(List<PolicyDocument> policies) {
      session.addAll(policies);
      return this;
    }

    public CallerPolicies build() {
      return new CallerPolicies(identity, boundary, session);
    }
  }
}
