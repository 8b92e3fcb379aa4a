package dev.envelope.aws.policy.doctor;

import dev.envelope.aws.policy.AccessDecision;
import java.util.List;
import java.util.Objects;

/**
 * The doctor's answer: the authorization decision with its chain (exactly what the local KMS's
 * evaluator decides) and notes on what else would make the real call fail or succeed, such as a
 * disabled key or an unpropagated grant. Immutable.
 */
public final class Diagnosis {
  private final AccessQuestion question;
  private final AccessDecision decision;
  private final List<String> notes;

  Diagnosis(AccessQuestion question, AccessDecision decision, List<String> notes) {
    this.question = Objects.requireNonNull(question);
    this.decision = Objects.requireNonNull(decision);
    this.notes = List.copyOf(notes);
  }

  public AccessQuestion question() {
    return question;
  }

  public AccessDecision decision() {
    return decision;
  }

  /** True if authorization allows the request. */
  public boolean allowed() {
    return decision.allowed();
  }

  /** Facts beyond authorization: key state, unknown caller, grant visibility. */
  public List<String> notes() {
    return notes;
  }

  /** The decision, what decided it, the numbered chain and the notes, for people. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(decision.effect()).append(": ").append(question).append('\n');
    out.append("decided by: ").append(decision.decidedBy()).append('\n');
    out.append("layer: ").append(decision.layer()).append('\n');
    decision.remedy().ifPresent(r -> out.append("to allow: ").append(r).append('\n'));
    out.append("chain:\n");
    List<String> chain = decision.chain();
    for (int i = 0; i < chain.size(); i++) {
      out.append(String.format("  %2d. %s%n", i + 1, chain.get(i)));
    }
    if (!notes.isEmpty()) {
      out.append("notes:\n");
      notes.forEach(n -> out.append("  - ").append(n).append('\n'));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return decision + " for " + question;
  }
}
