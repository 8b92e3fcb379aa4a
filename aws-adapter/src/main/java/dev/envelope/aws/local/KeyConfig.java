package dev.envelope.aws.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A KMS key that exists when the local KMS starts. Key material is generated at start and lives
 * only in memory: ciphertexts do not survive a restart.
 *
 * @param keyId key id; a random UUID (or {@code mrk-} id for multi-Region keys) when not given
 * @param accountId owning account
 * @param region Region of the (primary) key
 * @param policy key policy JSON, or null for the default key policy (delegates to the account)
 * @param description free text
 * @param multiRegion whether this is a multi-Region primary key
 * @param aliases alias names, each starting with {@code alias/}
 * @param state initial state
 * @param replicaRegions Regions holding replicas of a multi-Region key (same id and material)
 */
public record KeyConfig(String keyId, String accountId, String region, String policy,
    String description, boolean multiRegion, List<String> aliases, State state,
    List<String> replicaRegions) {

  /** The key states a configured key may start in. */
  public enum State { ENABLED, DISABLED, PENDING_DELETION }

  public KeyConfig {
    Objects.requireNonNull(accountId, "accountId");
    if (!accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("Account id must be 12 digits: " + accountId);
    }
    if (keyId == null) {
      keyId = multiRegion ? "mrk-" + UUID.randomUUID().toString().replace("-", "")
          : UUID.randomUUID().toString();
    }
    if (multiRegion != keyId.startsWith("mrk-")) {
      throw new IllegalArgumentException(
          "Multi-Region key ids start with mrk-, others must not: " + keyId);
    }
    description = description == null ? "" : description;
    aliases = List.copyOf(aliases == null ? List.of() : aliases);
    state = state == null ? State.ENABLED : state;
    replicaRegions = List.copyOf(replicaRegions == null ? List.of() : replicaRegions);
    if (!multiRegion && !replicaRegions.isEmpty()) {
      throw new IllegalArgumentException("Only multi-Region keys have replicas: " + keyId);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KeyConfig}; account and Region default to the local KMS defaults. */
  public static final class Builder {
    private String keyId;
    private String accountId = LocalKmsConfig.DEFAULT_ACCOUNT;
    private String region;
    private String policy;
    private String description;
    private boolean multiRegion;
    private final List<String> aliases = new ArrayList<>();
    private State state = State.ENABLED;
    private final List<String> replicaRegions = new ArrayList<>();

    private Builder() { }

    public Builder keyId(String keyId) {
      this.keyId = keyId;
      return this;
    }

    public Builder accountId(String accountId) {
      this.accountId = accountId;
      return this;
    }

    /** Defaults to the local KMS's Region when not set. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder policy(String policyJson) {
      this.policy = policyJson;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder multiRegion(boolean multiRegion) {
      this.multiRegion = multiRegion;
      return this;
    }

    public Builder alias(String aliasName) {
      this.aliases.add(aliasName);
      return this;
    }

    public Builder state(State state) {
      this.state = state;
      return this;
    }

    public Builder replicaRegion(String region) {
      this.replicaRegions.add(region);
      this.multiRegion = true;
      return this;
    }

    public KeyConfig build() {
      return new KeyConfig(keyId, accountId, region, policy, description, multiRegion, aliases,
          state, replicaRegions);
    }
  }
}
