package dev.envelope.aws.policy;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link AccessEvaluator#evaluate}: the effect, the one statement or grant that
 * settled it, and the chain of steps that led there, for audit logs and for explaining a denial.
 */
public final class AccessDecision {
  private final Effect effect;
  private final String decidedBy;
  private final List<String> chain;
  private final PolicyLayer layer;
  private final String remedy;
  private final List<String> unmetConditions;

  AccessDecision(
      Effect effect, String decidedBy, List<String> chain, PolicyLayer layer, String remedy) {
    this.effect = Objects.requireNonNull(effect, "effect");
    this.decidedBy = Objects.requireNonNull(decidedBy, "decidedBy");
    this.chain = List.copyOf(chain);
    this.layer = Objects.requireNonNull(layer, "layer");
    this.remedy = remedy;
    this.unmetConditions = List.of();
  }

  AccessDecision(
      Effect effect,
      String decidedBy,
      List<String> chain,
      PolicyLayer layer,
      String remedy,
      List<String> unmetConditions) {
    this.effect = Objects.requireNonNull(effect, "effect");
    this.decidedBy = Objects.requireNonNull(decidedBy, "decidedBy");
    this.chain = List.copyOf(chain);
    this.layer = Objects.requireNonNull(layer, "layer");
    this.remedy = remedy;
    this.unmetConditions = List.copyOf(unmetConditions);
  }

  /**
   * The allows that name the caller and the action but whose conditions this request did not meet,
   * each as its source and all its conditions ({@code key policy statement 'X': StringEquals
   * kms:ViaService [...]}), and grants whose constraints it did not meet: under these conditions
   * the caller would be allowed (as far as that statement or grant goes).
   */
  public List<String> unmetConditions() {
    return unmetConditions;
  }

  /**
   * The layer that decided: for an allow, the one whose statement or grant allowed (for a
   * cross-account allow, the key policy); for a denial, the one with the Deny statement or the one
   * whose missing Allow stopped the request.
   */
  public PolicyLayer layer() {
    return layer;
  }

  /**
   * For a denial, the smallest change that would allow the call (one statement to add, remove or
   * satisfy, in the layer that stopped it); empty for an allow.
   */
  public java.util.Optional<String> remedy() {
    return java.util.Optional.ofNullable(remedy);
  }

  public Effect effect() {
    return effect;
  }

  public boolean allowed() {
    return effect == Effect.ALLOW;
  }

  /**
   * What settled the decision, e.g. {@code key policy statement 'AllowUse'}, {@code grant 0a1b...},
   * or for an implicit deny {@code no statement allows} followed by the most specific reason.
   */
  public String decidedBy() {
    return decidedBy;
  }

  /** Human-readable evaluation steps, in order. */
  public List<String> chain() {
    return chain;
  }

  @Override
  public String toString() {
    return effect + " by " + layer + " (" + decidedBy + ")";
  }
}
