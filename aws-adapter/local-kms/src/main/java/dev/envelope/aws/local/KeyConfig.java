package dev.envelope.aws.local;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A KMS key that exists when the local KMS starts.
 *
 * <p>Without {@code keyMaterial} the key's AES-256 root material is generated at start and lives
 * only in memory: ciphertexts do not survive a restart. With it, every local KMS started from this
 * configuration uses those 32 bytes as the key's root material (its multi-Region replicas share
 * them), so ciphertexts decrypt across restarts and processes. <b>Development only:</b> the
 * material sits in plain text in the configuration, and anyone who can read the configuration can
 * decrypt everything encrypted under the key.
 *
 * <p>The record keeps its own copy of the material and {@link #keyMaterial()} returns a copy;
 * {@link #toString()} never shows it, and {@link #equals} compares it in constant time.
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
 * @param keyMaterial 32 bytes of root key material (development only), or null to generate it
 */
public record KeyConfig(
    String keyId,
    String accountId,
    String region,
    String policy,
    String description,
    boolean multiRegion,
    List<String> aliases,
    State state,
    List<String> replicaRegions,
    byte[] keyMaterial) {

  /** Length of {@link #keyMaterial()}: an AES-256 key. */
  public static final int KEY_MATERIAL_BYTES = 32;

  /** The key states a configured key may start in. */
  public enum State {
    ENABLED,
    DISABLED,
    PENDING_DELETION
  }

  public KeyConfig {
    Objects.requireNonNull(accountId, "accountId");
    if (!accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("Account id must be 12 digits: " + accountId);
    }
    if (keyId == null) {
      keyId =
          multiRegion
              ? "mrk-" + UUID.randomUUID().toString().replace("-", "")
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
    if (keyMaterial != null) {
      if (keyMaterial.length != KEY_MATERIAL_BYTES) {
        throw new IllegalArgumentException(
            "Key material of "
                + keyId
                + " must be "
                + KEY_MATERIAL_BYTES
                + " bytes (AES-256), not "
                + keyMaterial.length);
      }
      keyMaterial = keyMaterial.clone();
    }
  }

  /** A key whose material is generated at start (the form before {@code keyMaterial} existed). */
  public KeyConfig(
      String keyId,
      String accountId,
      String region,
      String policy,
      String description,
      boolean multiRegion,
      List<String> aliases,
      State state,
      List<String> replicaRegions) {
    this(
        keyId,
        accountId,
        region,
        policy,
        description,
        multiRegion,
        aliases,
        state,
        replicaRegions,
        null);
  }

  /** A copy of the configured root key material, or null when it is generated at start. */
  @Override
  public byte[] keyMaterial() {
    return keyMaterial == null ? null : keyMaterial.clone();
  }

  /** Whether this key has configured root key material (and so survives restarts). */
  public boolean hasKeyMaterial() {
    return keyMaterial != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyConfig k
        && multiRegion == k.multiRegion
        && keyId.equals(k.keyId)
        && accountId.equals(k.accountId)
        && Objects.equals(region, k.region)
        && Objects.equals(policy, k.policy)
        && description.equals(k.description)
        && aliases.equals(k.aliases)
        && state == k.state
        && replicaRegions.equals(k.replicaRegions)
        && (keyMaterial == null
            ? k.keyMaterial == null
            : k.keyMaterial != null && MessageDigest.isEqual(keyMaterial, k.keyMaterial));
  }

  @Override
  public int hashCode() {
    // Leaves the key material out: equal configs still hash alike, and the hash reveals nothing.
    return Objects.hash(
        keyId, accountId, region, policy, description, multiRegion, aliases, state, replicaRegions);
  }

  @Override
  public String toString() {
    return "KeyConfig[keyId="
        + keyId
        + ", accountId="
        + accountId
        + ", region="
        + region
        + ", policy="
        + policy
        + ", description="
        + description
        + ", multiRegion="
        + multiRegion
        + ", aliases="
        + aliases
        + ", state="
        + state
        + ", replicaRegions="
        + replicaRegions
        + ", keyMaterial="
        + (keyMaterial == null ? "generated at start" : "configured, redacted")
        + "]";
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
    private byte[] keyMaterial;

    private Builder() {}

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

    /**
     * Development only: 32 bytes of AES-256 root material (copied), so that ciphertexts survive a
     * restart of the local KMS. Anyone who can read the material can decrypt them. Null (the
     * default) generates fresh material at every start.
     */
    public Builder keyMaterial(byte[] material) {
      if (material != null && material.length != KEY_MATERIAL_BYTES) {
        throw new IllegalArgumentException(
            "Key material must be "
                + KEY_MATERIAL_BYTES
                + " bytes (AES-256), not "
                + material.length);
      }
      this.keyMaterial = material == null ? null : material.clone();
      return this;
    }

    public KeyConfig build() {
      return new KeyConfig(
          keyId,
          accountId,
          region,
          policy,
          description,
          multiRegion,
          aliases,
          state,
          replicaRegions,
          keyMaterial);
    }
  }
}
