package dev.envelope.aws;

import dev.envelope.NoUsableDataKeyException;
import dev.envelope.internal.text.UntrustedText;
import dev.envelope.keyring.DataKey;
import dev.envelope.keyring.DecryptionMaterials;
import dev.envelope.keyring.EncryptedDataKey;
import dev.envelope.keyring.EncryptionMaterials;
import dev.envelope.keyring.Keyring;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A keyring backed by AWS KMS, compatible with the AWS Encryption SDK's KMS keyrings (and its
 * {@code KmsMasterKeyProvider}): messages written by either decrypt with the other.
 *
 * <p><b>Strict mode</b> (the default) names the keys. On encryption the generator key makes the
 * data key ({@code GenerateDataKey} with the message's encryption context) and every additional key
 * encrypts the same data key ({@code Encrypt}), so any one of them can decrypt the message. Each
 * encrypted data key is stored with provider id {@code aws-kms} and, as provider info, the key ARN
 * KMS reported. On decryption only encrypted data keys whose key ARN matches a configured key are
 * tried, with {@code Decrypt} naming that key ({@code KeyId}), so the keyring never uses a key you
 * did not configure.
 *
 * <p>Keys are given as ARNs. An alias ARN works as generator or additional key for encryption, but,
 * as in the AWS Encryption SDK, it never matches on decryption: the message stores the key ARN, not
 * the alias. Configure key ARNs to decrypt.
 *
 * <p><b>Multi-Region keys</b> ({@code mrk-} ids) match across Regions: a data key written under
 * {@code arn:aws:kms:us-west-2:111122223333:key/mrk-1} decrypts with a keyring configured with
 * {@code arn:aws:kms:us-east-1:111122223333:key/mrk-1}, calling the us-east-1 replica.
 * Single-Region keys match only exactly.
 *
 * <p><b>Discovery mode</b> ({@link Builder#discovery}) decrypts with whatever key a data key names,
 * limited by a required {@link DiscoveryFilter} (partition and account ids) and by the Regions it
 * is configured for ({@link Builder#discoveryRegion} or {@link Builder#discoveryRegions},
 * required): a data key outside the filter, or under a single-Region key of another Region, is
 * skipped without any KMS call. A multi-Region key of another Region is decrypted by its replica in
 * a configured Region. So the Regions a message names (anyone can write a header) never decide
 * which KMS endpoints are called or which clients are made; like the AWS Encryption SDK's discovery
 * keyrings, each bound to its client, and its multi-Region discovery keyring, given a list of
 * Regions. It cannot encrypt.
 *
 * <p>When no data key could be used, the keyring fails with a {@link NoUsableDataKeyException} that
 * says, for each data key, why it was skipped.
 *
 * <p>Grant tokens (static or from a supplier, at most 10) go with every KMS request. Failures
 * surface as {@link KmsKeyProviderException} with the KMS error code, request id and a diagnosis of
 * likely causes.
 *
 * <p>Immutable and thread-safe.
 */
public final class KmsKeyring implements Keyring {
  /**
   * The provider id of encrypted data keys written by KMS keyrings, in every AWS Encryption SDK.
   */
  public static final String PROVIDER_ID = "aws-kms";

  private final KmsArn generator;
  private final List<KmsArn> additionalKeys;
  private final DiscoveryFilter discoveryFilter;

  /**
   * Discovery mode: the Regions it decrypts in, in order of preference for multi-Region replicas.
   */
  private final List<String> discoveryRegions;

  private final KmsCalls kms;
  private final String description;

  private KmsKeyring(Builder b, KmsArn generator, List<KmsArn> additionalKeys) {
    this.generator = generator;
    this.additionalKeys = List.copyOf(additionalKeys);
    this.discoveryFilter = b.discoveryFilter;
    this.discoveryRegions = b.discoveryRegions;
    KmsClientSupplier clients =
        b.clientSupplier != null ? b.clientSupplier : DefaultClients.INSTANCE;
    this.kms = new KmsCalls(clients, b.grantTokens, b.describeKeyOnFailure, b.callerAccountId);
    this.description =
        discoveryFilter != null
            ? "KmsKeyring[discovery, " + discoveryFilter + ", regions=" + discoveryRegions + "]"
            : "KmsKeyring[generator=" + generator + ", keys=" + additionalKeys + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isDiscovery() {
    return discoveryFilter != null;
  }

  @Override
  public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
    if (isDiscovery()) {
      throw new IllegalStateException(
          "a discovery KmsKeyring only decrypts; configure key ARNs to encrypt");
    }
    Map<String, String> context = materials.encryptionContext();
    EncryptionMaterials current = materials;
    List<KmsArn> encryptWith = new ArrayList<>();
    boolean generated = false;
    if (!current.hasDataKey()) {
      if (generator == null) {
        throw new IllegalStateException(
            "this KmsKeyring has no generator key and the materials hold no data key;"
                + " set generatorKeyId, or put another keyring first as generator");
      }
      current = generate(current);
      generated = true;
    } else if (generator != null) {
      encryptWith.add(generator);
    }
    encryptWith.addAll(additionalKeys);
    try {
      for (KmsArn key : encryptWith) {
        KmsCalls.Result r = kms.encrypt(key, current.dataKey().bytes(), context);
        String keyArn = checkReturnedKey("Encrypt", key, r.keyId());
        current = current.withEncryptedDataKey(edk(keyArn, r.ciphertext(), "Encrypt", key));
      }
    } catch (RuntimeException e) {
      if (generated) {
        current.close(); // our data key never reaches the caller: zero it
      }
      throw e;
    }
    return current;
  }

  private EncryptionMaterials generate(EncryptionMaterials materials) {
    int length = materials.suite().dataKeyLength();
    KmsCalls.Result r = kms.generateDataKey(generator, length, materials.encryptionContext());
    byte[] plaintext = r.plaintext();
    DataKey dataKey = null;
    try {
      String keyArn = checkReturnedKey("GenerateDataKey", generator, r.keyId());
      if (plaintext == null || plaintext.length != length) {
        throw invalidResponse(
            "GenerateDataKey",
            generator,
            "returned a data key of "
                + (plaintext == null ? 0 : plaintext.length)
                + " bytes, expected "
                + length);
      }
      EncryptedDataKey edk = edk(keyArn, r.ciphertext(), "GenerateDataKey", generator);
      dataKey = DataKey.copyOf(plaintext);
      return materials.withGeneratedDataKey(dataKey, edk);
    } catch (RuntimeException e) {
      if (dataKey != null) {
        dataKey.destroy();
      }
      throw e;
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  /**
   * The key ARN KMS says it used: it becomes the provider info that decryptors match on, so it must
   * be a real key ARN, and the one we asked for unless we asked by alias.
   */
  private static String checkReturnedKey(String operation, KmsArn requested, String returned) {
    KmsArn arn = KmsArn.tryParse(returned);
    if (arn == null || !arn.isKey()) {
      throw invalidResponse(
          operation,
          requested,
          "returned KeyId " + UntrustedText.quote(returned) + ", which is not a valid key ARN");
    }
    if (requested.isKey() && !arn.equals(requested)) {
      throw invalidResponse(
          operation, requested, "returned KeyId " + arn + ", not the requested key");
    }
    return returned;
  }

  private static EncryptedDataKey edk(
      String keyArn, byte[] ciphertext, String operation, KmsArn requested) {
    if (ciphertext == null || ciphertext.length == 0) {
      throw invalidResponse(operation, requested, "returned no CiphertextBlob");
    }
    return new EncryptedDataKey(PROVIDER_ID, keyArn.getBytes(StandardCharsets.UTF_8), ciphertext);
  }

  private static KmsKeyProviderException invalidResponse(
      String operation, KmsArn key, String what) {
    return new KmsKeyProviderException(
        "KMS "
            + operation
            + " with "
            + key
            + " in "
            + key.region()
            + " "
            + what
            + "; refusing the response",
        null,
        null,
        operation,
        key.toString(),
        key.region(),
        0,
        "- The endpoint did not behave like KMS: check the endpoint override and any proxy in between.",
        null);
  }

  @Override
  public DecryptionMaterials onDecrypt(
      DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
    if (materials.hasDataKey()) {
      return materials;
    }
    List<KmsKeyProviderException> failures = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (EncryptedDataKey edk : encryptedDataKeys) {
      if (!edk.providerId().equals(PROVIDER_ID)) {
        skipped.add(
            "provider " + UntrustedText.quote(edk.providerId(), 64) + " is not " + PROVIDER_ID);
        continue;
      }
      KmsArn edkArn = KmsArn.tryParse(edk.providerInfoUtf8());
      if (edkArn == null || !edkArn.isKey()) {
        String shown = UntrustedText.quote(edk.providerInfoUtf8());
        failures.add(
            new KmsKeyProviderException(
                "an aws-kms encrypted data key names "
                    + shown
                    + ", which is not a valid KMS key ARN; skipped it",
                null,
                null,
                "Decrypt",
                shown,
                null,
                0,
                "- The message was not written by a KMS keyring, or was altered.",
                null));
        continue;
      }
      List<KmsArn> keysToUse =
          isDiscovery() ? discoveryKeys(edkArn, skipped) : configuredKey(edkArn, skipped);
      for (KmsArn keyToUse : keysToUse) {
        try {
          DataKey key = decrypt(keyToUse, edk, materials);
          return materials.withDataKey(key);
        } catch (KmsKeyProviderException e) {
          failures.add(e);
        }
      }
    }
    if (failures.isEmpty()) {
      throw noneUsable(encryptedDataKeys.size(), skipped);
    }
    if (failures.size() == 1) {
      throw failures.get(0);
    }
    KmsKeyProviderException first = failures.get(0);
    KmsKeyProviderException all =
        new KmsKeyProviderException(
            "all "
                + failures.size()
                + " KMS decrypt attempts failed (each is attached as a suppressed exception); the first: "
                + first.getMessage(),
            first.errorCode().orElse(null),
            first.requestId().orElse(null),
            first.operation(),
            first.keyArn(),
            first.region(),
            first.statusCode(),
            "",
            null);
    failures.forEach(all::addSuppressed);
    throw all;
  }

  /** No data key was one this keyring may use: say why for each, without calling KMS. */
  private NoUsableDataKeyException noneUsable(int count, List<String> skipped) {
    StringBuilder why = new StringBuilder();
    int shown = Math.min(skipped.size(), 10);
    for (int i = 0; i < shown; i++) {
      why.append(i == 0 ? "" : "; ").append(skipped.get(i));
    }
    if (skipped.size() > shown) {
      why.append("; and ").append(skipped.size() - shown).append(" more");
    }
    return new NoUsableDataKeyException(
        "none of the message's "
            + count
            + " encrypted data key(s) is one "
            + description
            + " may use, so KMS was not called: "
            + why);
  }

  /**
   * The configured key that may decrypt a data key written under {@code edkArn}, or none (and why).
   */
  private List<KmsArn> configuredKey(KmsArn edkArn, List<String> skipped) {
    if (generator != null && generator.isKey() && KmsArn.mrkMatch(generator, edkArn)) {
      return List.of(generator);
    }
    for (KmsArn key : additionalKeys) {
      if (key.isKey() && KmsArn.mrkMatch(key, edkArn)) {
        return List.of(key);
      }
    }
    skipped.add(edkArn + " is not one of this keyring's keys");
    return List.of();
  }

  /**
   * The keys to ask KMS with for a data key written under {@code edkArn}: the key itself if its
   * Region is a configured one, else for a multi-Region key its replica in each configured Region;
   * none (and why) for a key outside the filter or a single-Region key elsewhere. Nothing here
   * depends on a Region outside the configuration, so a forged Region never reaches the client
   * supplier.
   */
  private List<KmsArn> discoveryKeys(KmsArn edkArn, List<String> skipped) {
    if (!discoveryFilter.allows(edkArn)) {
      skipped.add(
          edkArn
              + " is outside the discovery filter (partition "
              + discoveryFilter.partition()
              + ", accounts "
              + discoveryFilter.accountIds().stream().sorted().toList()
              + ")");
      return List.of();
    }
    if (discoveryRegions.contains(edkArn.region())) {
      return List.of(edkArn);
    }
    if (!edkArn.isMultiRegionKey()) {
      skipped.add(
          edkArn
              + " is a single-Region key in "
              + edkArn.region()
              + ", not one of this keyring's"
              + " discovery Regions "
              + discoveryRegions);
      return List.of();
    }
    List<KmsArn> replicas = new ArrayList<>(discoveryRegions.size());
    for (String region : discoveryRegions) {
      replicas.add(edkArn.withRegion(region));
    }
    return replicas;
  }

  private DataKey decrypt(KmsArn key, EncryptedDataKey edk, DecryptionMaterials materials) {
    KmsCalls.Result r = kms.decrypt(key, edk.ciphertext(), materials.encryptionContext());
    byte[] plaintext = r.plaintext();
    try {
      // With KeyId set KMS must answer with that key; anything else means we are not talking to
      // KMS.
      if (!key.toString().equals(r.keyId())) {
        throw invalidResponse(
            "Decrypt",
            key,
            "returned KeyId " + UntrustedText.quote(r.keyId()) + ", not the requested key");
      }
      int length = materials.suite().dataKeyLength();
      if (plaintext == null || plaintext.length != length) {
        throw invalidResponse(
            "Decrypt",
            key,
            "returned a data key of "
                + (plaintext == null ? 0 : plaintext.length)
                + " bytes, expected "
                + length);
      }
      return DataKey.copyOf(plaintext);
    } finally {
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * The shared default: one client per Region with the SDK's default credentials and standard
   * retries.
   */
  private static final class DefaultClients {
    static final KmsClientSupplier INSTANCE = CachingKmsClientSupplier.builder().build();
  }

  /** Builds a {@link KmsKeyring}: either keys (generator and/or additional keys) or discovery. */
  public static final class Builder {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private String generatorKeyId;
    private final List<String> keyIds = new ArrayList<>();
    private DiscoveryFilter discoveryFilter;
    private List<String> discoveryRegions = List.of();
    private Supplier<List<String>> grantTokens = List::of;
    private KmsClientSupplier clientSupplier;
    private boolean describeKeyOnFailure = true;
    private String callerAccountId;

    private Builder() {}

    /** The key (key ARN or alias ARN) that generates data keys with {@code GenerateDataKey}. */
    public Builder generatorKeyId(String keyArn) {
      this.generatorKeyId = Objects.requireNonNull(keyArn, "keyArn");
      return this;
    }

    /**
     * More keys (key ARNs or alias ARNs) that each encrypt the data key, and may decrypt (key ARNs
     * only).
     */
    public Builder keyIds(String... keyArns) {
      return keyIds(List.of(keyArns));
    }

    /** See {@link #keyIds(String...)}. Adds to the keys given before. */
    public Builder keyIds(Collection<String> keyArns) {
      for (String k : keyArns) {
        keyIds.add(Objects.requireNonNull(k, "key ARN"));
      }
      return this;
    }

    /**
     * Decrypt-only discovery mode, limited to keys the filter allows and to the Regions given with
     * {@link #discoveryRegion} or {@link #discoveryRegions} (required). Excludes generator and key
     * ids.
     */
    public Builder discovery(DiscoveryFilter filter) {
      this.discoveryFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * The one Region a discovery keyring decrypts in (like the AWS Encryption SDK's MRK discovery
     * keyring): keys of this Region, and multi-Region keys of other Regions through their replica
     * here; single-Region keys of other Regions are skipped. Replaces Regions set before. Discovery
     * needs this or {@link #discoveryRegions}.
     */
    public Builder discoveryRegion(String region) {
      return discoveryRegions(List.of(Objects.requireNonNull(region, "region")));
    }

    /**
     * The Regions a discovery keyring decrypts in (like the AWS Encryption SDK's multi-Region
     * discovery keyring): keys of these Regions, and multi-Region keys of other Regions through
     * their replica in each of these, tried in this order; single-Region keys of other Regions are
     * skipped. Replaces Regions set before.
     */
    public Builder discoveryRegions(String... regions) {
      return discoveryRegions(List.of(regions));
    }

    /** See {@link #discoveryRegions(String...)}. */
    public Builder discoveryRegions(Collection<String> regions) {
      List<String> copy = new ArrayList<>();
      for (String r : regions) {
        Objects.requireNonNull(r, "region");
        if (!copy.contains(r)) {
          copy.add(r);
        }
      }
      this.discoveryRegions = List.copyOf(copy);
      return this;
    }

    /** Grant tokens sent with every KMS request (at most 10). */
    public Builder grantTokens(String... tokens) {
      return grantTokens(List.of(tokens));
    }

    /** See {@link #grantTokens(String...)}. */
    public Builder grantTokens(List<String> tokens) {
      List<String> copy = KmsCalls.validateGrantTokens(List.copyOf(tokens));
      this.grantTokens = () -> copy;
      return this;
    }

    /**
     * Grant tokens asked for before every KMS request, for tokens that change (a new grant's token
     * until it has propagated). More than 10 fails the request with {@link
     * IllegalArgumentException}.
     */
    public Builder grantTokens(Supplier<? extends List<String>> supplier) {
      Objects.requireNonNull(supplier, "supplier");
      this.grantTokens = supplier::get;
      return this;
    }

    /**
     * Where KMS clients come from; by default a shared {@link CachingKmsClientSupplier} with SDK
     * defaults.
     */
    public Builder clientSupplier(KmsClientSupplier supplier) {
      this.clientSupplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Whether a failure diagnosis may call {@code DescribeKey} to learn the key's state (default
     * true). Its own failure is only noted in the diagnosis.
     */
    public Builder describeKeyOnFailure(boolean allowed) {
      this.describeKeyOnFailure = allowed;
      return this;
    }

    /**
     * The caller's AWS account, for the diagnosis of cross-account denials when KMS's message does
     * not name the caller. Optional: without it the diagnosis reads the caller from KMS's message,
     * else decodes the account from the client's access key id. No STS call is ever made to find
     * it.
     */
    public Builder callerAccountId(String accountId) {
      if (!ACCOUNT.matcher(Objects.requireNonNull(accountId, "accountId")).matches()) {
        throw new IllegalArgumentException(
            "invalid AWS account id " + UntrustedText.quote(accountId));
      }
      this.callerAccountId = accountId;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a key is not a key or alias ARN, if discovery is mixed
     *     with keys, if no key is configured, or if two configured keys are replicas of the same
     *     multi-Region key
     */
    public KmsKeyring build() {
      if (discoveryFilter != null) {
        if (generatorKeyId != null || !keyIds.isEmpty()) {
          throw new IllegalArgumentException(
              "a discovery keyring takes no key ids; build a strict keyring"
                  + " for the keys, or combine the two in a MultiKeyring");
        }
        if (discoveryRegions.isEmpty()) {
          throw new IllegalArgumentException(
              "a discovery keyring decrypts only in the Regions it is given:"
                  + " set discoveryRegion(region) or discoveryRegions(regions). Without them the Region would come"
                  + " from each message, which anyone can write");
        }
        for (String region : discoveryRegions) {
          if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException(
                "invalid discovery Region " + UntrustedText.quote(region));
          }
        }
        return new KmsKeyring(this, null, List.of());
      }
      if (!discoveryRegions.isEmpty()) {
        throw new IllegalArgumentException("discoveryRegion(s) needs discovery(filter)");
      }
      if (generatorKeyId == null && keyIds.isEmpty()) {
        throw new IllegalArgumentException(
            "a KmsKeyring needs a generator key, key ids, or discovery(filter)");
      }
      KmsArn gen = generatorKeyId == null ? null : parseConfigured(generatorKeyId);
      List<KmsArn> keys = new ArrayList<>();
      for (String k : keyIds) {
        keys.add(parseConfigured(k));
      }
      List<KmsArn> all = new ArrayList<>(keys);
      if (gen != null) {
        all.add(0, gen);
      }
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          KmsArn a = all.get(i);
          KmsArn b = all.get(j);
          if (a.isMultiRegionKey() && !a.equals(b) && KmsArn.mrkMatch(a, b)) {
            // The AWS Encryption SDK refuses this too: both would match the same data keys.
            throw new IllegalArgumentException(
                "configured keys "
                    + a
                    + " and "
                    + b
                    + " are replicas of the same multi-Region key; configure one of them");
          }
        }
      }
      return new KmsKeyring(this, gen, keys);
    }

    private static KmsArn parseConfigured(String id) {
      try {
        return KmsArn.parse(id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "KMS keys must be given as key ARNs or alias ARNs"
                + " (the Region of the ARN picks the KMS client): "
                + e.getMessage(),
            e);
      }
    }
  }
}
