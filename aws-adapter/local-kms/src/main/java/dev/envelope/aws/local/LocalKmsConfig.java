package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonException;
import dev.envelope.aws.internal.json.JsonMembers;
import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.internal.json.JsonReader;
import dev.envelope.aws.internal.json.JsonValue;
import dev.envelope.aws.policy.Organization;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a local KMS knows at start: principals, keys and behaviour knobs. Immutable; build one with
 * {@link #builder()}, read one from JSON with {@link #fromJson(String)} / {@link #load(Path)}, or
 * take {@link #defaults()} for development.
 *
 * <p>JSON form (every member optional; policies may be JSON objects or strings):
 *
 * <pre>{@code
 * {
 *   "accounts": ["111122223333"], "region": "us-east-1", "port": 0, "requestsPerSecond": 0, "latencyMillis": 0,
 *   "grantPropagationDelayMillis": 0, "verifySignatures": true, "auditFile": "kms-audit.jsonl",
 *   "principals": [ { "accessKeyId": "AKIA...", "secretAccessKey": "...",
 *                     "arn": "arn:aws:iam::111122223333:role/App", "viaService": null,
 *                     "policies": [ { "Version": "2012-10-17", "Statement": [ ... ] } ],
 *                     "permissionsBoundary": { ... }, "sessionPolicies": [ { ... } ] } ],
 *   "organization": { "id": "o-a1b2c3d4e5", "managementAccount": "...", "accounts": [...],
 *                     "scps": [ ... ], "rcps": [ ... ] },
 *   "keys": [ { "keyId": "...", "account": "111122223333", "region": "us-east-1",
 *               "policy": { ... }, "description": "", "multiRegion": false,
 *               "aliases": ["alias/app"], "state": "Enabled", "replicaRegions": [],
 *               "keyMaterial": "<base64 of 32 bytes>" } ]
 * }
 * }</pre>
 *
 * <p>{@code keyMaterial} is for development only: it fixes the key's AES-256 root material so that
 * ciphertexts survive a restart (without it, material is generated at every start). Anyone who can
 * read the file can decrypt what the key encrypted; keep such a file private.
 */
public final class LocalKmsConfig {
  public static final String DEFAULT_ACCOUNT = AccessEnvironment.DEFAULT_ACCOUNT;
  public static final String DEFAULT_REGION = AccessEnvironment.DEFAULT_REGION;

  /** Access key of the default admin principal, allowed {@code kms:*} by its IAM policy. */
  public static final String ADMIN_ACCESS_KEY_ID = "AKIAENVELOPEADMIN000";

  /** Access key of the default application principal, allowed the cryptographic operations. */
  public static final String APP_ACCESS_KEY_ID = "AKIAENVELOPEAPP00000";

  public static final String ADMIN_ARN = "arn:aws:iam::" + DEFAULT_ACCOUNT + ":role/Admin";
  public static final String APP_ARN = "arn:aws:iam::" + DEFAULT_ACCOUNT + ":role/App";

  /** Key id of the default key, also reachable as {@link #DEFAULT_ALIAS}. */
  public static final String DEFAULT_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

  public static final String DEFAULT_ALIAS = "alias/envelope-dev";

  /** Errors name the config and the member: "Local KMS config: keyMaterial must be a string". */
  private static final JsonMembers.Wording WORDING =
      new JsonMembers.Wording() {
        @Override
        public RuntimeException notAnObject(String where) {
          return new IllegalArgumentException(
              "Local KMS config: " + where + " must be a JSON object");
        }

        @Override
        public RuntimeException wrongType(
            String where, String member, JsonMembers.Expected expected) {
          return new IllegalArgumentException(
              "Local KMS config: " + member + " " + expected.phrase());
        }

        @Override
        public RuntimeException missing(String where, String member) {
          return new IllegalArgumentException(
              "Local KMS config: " + where + " needs '" + member + "'");
        }

        @Override
        public RuntimeException unknownMember(String where, String member, Set<String> known) {
          return new IllegalArgumentException(
              "Local KMS config: unknown member '"
                  + member
                  + "' in "
                  + where
                  + "; known: "
                  + known);
        }
      };

  private final String region;
  private final int port;
  private final Set<String> accounts;
  private final Set<String> declaredAccounts;
  private final List<PrincipalConfig> principals;
  private final List<KeyConfig> keys;
  private final double requestsPerSecond;
  private final Duration latency;
  private final Duration grantPropagationDelay;
  private final boolean verifySignatures;
  private final Path auditFile;
  private final Organization organization;

  private LocalKmsConfig(Builder b) {
    this.region = b.region;
    this.port = b.port;
    Set<String> all = new java.util.TreeSet<>(b.accounts);
    b.principals.forEach(p -> all.add(p.accountId()));
    b.keys.forEach(k -> all.add(k.accountId()));
    this.accounts = java.util.Collections.unmodifiableSet(all);
    this.declaredAccounts = Set.copyOf(b.accounts);
    this.principals = List.copyOf(b.principals);
    this.keys = List.copyOf(b.keys);
    this.requestsPerSecond = b.requestsPerSecond;
    this.latency = b.latency;
    this.grantPropagationDelay = b.grantPropagationDelay;
    this.verifySignatures = b.verifySignatures;
    this.auditFile = b.auditFile;
    this.organization = b.organization;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b =
        new Builder()
            .region(region)
            .port(port)
            .requestsPerSecond(requestsPerSecond)
            .latency(latency)
            .grantPropagationDelay(grantPropagationDelay)
            .verifySignatures(verifySignatures)
            .auditFile(auditFile)
            .organization(organization);
    b.accounts.addAll(declaredAccounts);
    principals.forEach(b::principal);
    keys.forEach(b::key);
    return b;
  }

  /**
   * One account (111122223333), an admin principal allowed {@code kms:*} by IAM, an app principal
   * allowed the cryptographic operations and DescribeKey by IAM, and one key ({@value
   * #DEFAULT_ALIAS}) with the default key policy. The principals have fixed development secrets, so
   * signatures are verified for clients from {@link LocalKms#kmsClientFor(String)}.
   */
  public static LocalKmsConfig defaults() {
    String admin =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Admin\",\"Effect\":"
            + "\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    String app =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"UseKeys\",\"Effect\":"
            + "\"Allow\",\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\","
            + "\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],\"Resource\":\"*\"}]}";
    return builder()
        .principal(
            PrincipalConfig.of(ADMIN_ACCESS_KEY_ID, ADMIN_ARN, admin)
                .withSecret("envelope-local-admin-secret"))
        .principal(
            PrincipalConfig.of(APP_ACCESS_KEY_ID, APP_ARN, app)
                .withSecret("envelope-local-app-secret"))
        .key(
            KeyConfig.builder()
                .keyId(DEFAULT_KEY_ID)
                .alias(DEFAULT_ALIAS)
                .description("Envelope development key")
                .build())
        .build();
  }

  public static LocalKmsConfig load(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read local KMS config " + file, e);
    }
  }

  /** Parses the JSON form; unknown members are an error so that typos do not go unnoticed. */
  public static LocalKmsConfig fromJson(String json) {
    JsonValue root;
    try {
      root = JsonReader.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException(
          "Local KMS config is not valid JSON: " + e.getMessage(), e);
    }
    JsonMembers o =
        JsonMembers.of(root, "config", WORDING)
            .onlyKnown(
                Set.of(
                    "accounts",
                    "region",
                    "port",
                    "requestsPerSecond",
                    "latencyMillis",
                    "grantPropagationDelayMillis",
                    "verifySignatures",
                    "auditFile",
                    "principals",
                    "keys",
                    "organization"));
    Builder b = builder();
    o.strings("accounts").forEach(b::account);
    o.string("region").ifPresent(b::region);
    o.number("port").ifPresent(n -> b.port(n.intValue()));
    o.number("requestsPerSecond").ifPresent(b::requestsPerSecond);
    o.number("latencyMillis").ifPresent(n -> b.latency(Duration.ofMillis(n.longValue())));
    o.number("grantPropagationDelayMillis")
        .ifPresent(n -> b.grantPropagationDelay(Duration.ofMillis(n.longValue())));
    o.bool("verifySignatures").ifPresent(b::verifySignatures);
    o.string("auditFile").ifPresent(f -> b.auditFile(Path.of(f)));
    o.value("organization")
        .ifPresent(org -> b.organization(Organization.fromJson(JsonOutput.textOf(org))));
    for (JsonValue p : o.array("principals")) {
      JsonMembers po =
          JsonMembers.of(p, "principal", WORDING)
              .onlyKnown(
                  Set.of(
                      "accessKeyId",
                      "secretAccessKey",
                      "arn",
                      "viaService",
                      "policies",
                      "permissionsBoundary",
                      "sessionPolicies"));
      List<String> policies = new ArrayList<>();
      for (JsonValue pol : po.array("policies")) {
        policies.add(JsonOutput.textOf(pol));
      }
      List<String> sessionPolicies = new ArrayList<>();
      for (JsonValue pol : po.array("sessionPolicies")) {
        sessionPolicies.add(JsonOutput.textOf(pol));
      }
      b.principal(
          new PrincipalConfig(
              po.required("accessKeyId"),
              po.string("secretAccessKey").orElse(null),
              po.required("arn"),
              policies,
              po.string("viaService").orElse(null),
              po.value("permissionsBoundary").map(JsonOutput::textOf).orElse(null),
              sessionPolicies));
    }
    for (JsonValue k : o.array("keys")) {
      JsonMembers ko =
          JsonMembers.of(k, "key", WORDING)
              .onlyKnown(
                  Set.of(
                      "keyId",
                      "account",
                      "region",
                      "policy",
                      "description",
                      "multiRegion",
                      "aliases",
                      "state",
                      "replicaRegions",
                      "keyMaterial"));
      String policy = ko.value("policy").map(JsonOutput::textOf).orElse(null);
      b.key(
          new KeyConfig(
              ko.string("keyId").orElse(null),
              ko.string("account").orElse(DEFAULT_ACCOUNT),
              ko.string("region").orElse(null),
              policy,
              ko.string("description").orElse(null),
              ko.bool("multiRegion", false),
              ko.strings("aliases"),
              ko.string("state").map(LocalKmsConfig::state).orElse(KeyConfig.State.ENABLED),
              ko.strings("replicaRegions"),
              keyMaterial(ko)));
    }
    return b.build();
  }

  /** The optional {@code keyMaterial} of a key: base64 of exactly 32 bytes. */
  private static byte[] keyMaterial(JsonMembers ko) {
    String b64 = ko.string("keyMaterial").orElse(null);
    if (b64 == null) {
      return null;
    }
    String id = ko.string("keyId").map(v -> " of key " + v).orElse("");
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(b64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Local KMS config: keyMaterial" + id + " must be base64");
    }
    if (bytes.length != KeyConfig.KEY_MATERIAL_BYTES) {
      int n = bytes.length;
      java.util.Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException(
          "Local KMS config: keyMaterial"
              + id
              + " must be base64 of "
              + KeyConfig.KEY_MATERIAL_BYTES
              + " bytes (AES-256), not "
              + n
              + " bytes");
    }
    return bytes;
  }

  private static KeyConfig.State state(String s) {
    return switch (s) {
      case "Enabled" -> KeyConfig.State.ENABLED;
      case "Disabled" -> KeyConfig.State.DISABLED;
      case "PendingDeletion" -> KeyConfig.State.PENDING_DELETION;
      default ->
          throw new IllegalArgumentException(
              "Key state must be Enabled, Disabled or PendingDeletion: " + s);
    };
  }

  public String region() {
    return region;
  }

  /** The accounts: those declared plus those of every principal and key. */
  public Set<String> accounts() {
    return accounts;
  }

  public int port() {
    return port;
  }

  public List<PrincipalConfig> principals() {
    return principals;
  }

  public List<KeyConfig> keys() {
    return keys;
  }

  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  public Duration latency() {
    return latency;
  }

  public Duration grantPropagationDelay() {
    return grantPropagationDelay;
  }

  public boolean verifySignatures() {
    return verifySignatures;
  }

  public java.util.Optional<Path> auditFile() {
    return java.util.Optional.ofNullable(auditFile);
  }

  /** The AWS Organizations organization of the accounts, with its SCPs and RCPs, if any. */
  public java.util.Optional<Organization> organization() {
    return java.util.Optional.ofNullable(organization);
  }

  /** Builds a {@link LocalKmsConfig}. */
  public static final class Builder {
    private String region = DEFAULT_REGION;
    private int port;
    private final Set<String> accounts = new java.util.TreeSet<>();
    private final List<PrincipalConfig> principals = new ArrayList<>();
    private final List<KeyConfig> keys = new ArrayList<>();
    private double requestsPerSecond;
    private Duration latency = Duration.ZERO;
    private Duration grantPropagationDelay = Duration.ZERO;
    private boolean verifySignatures = true;
    private Path auditFile;
    private Organization organization;

    private Builder() {}

    /**
     * The organization the accounts belong to: its SCPs limit the principals of its member accounts
     * and its RCPs the keys of its member accounts (see {@link Organization}).
     */
    public Builder organization(Organization organization) {
      this.organization = organization;
      return this;
    }

    /** The default Region: of keys without one, and of {@link LocalKms#kmsClientFor(String)}. */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region);
      return this;
    }

    /**
     * Declares an account. Optional; once any account is declared, every principal and key must
     * belong to a declared account, which catches mistyped account ids.
     */
    public Builder account(String accountId) {
      if (!accountId.matches("\\d{12}")) {
        throw new IllegalArgumentException("Account id must be 12 digits: " + accountId);
      }
      accounts.add(accountId);
      return this;
    }

    /** 0 (the default) picks an ephemeral port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder principal(PrincipalConfig principal) {
      principals.add(principal);
      return this;
    }

    public Builder key(KeyConfig key) {
      keys.add(key);
      return this;
    }

    /** Quota of the cryptographic operations per account and Region; 0 (default) is off. */
    public Builder requestsPerSecond(double requestsPerSecond) {
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    /** Extra latency added to every request, to rehearse against a remote KMS. */
    public Builder latency(Duration latency) {
      this.latency = Objects.requireNonNull(latency);
      return this;
    }

    /** How long a new grant stays invisible to requests that do not present its grant token. */
    public Builder grantPropagationDelay(Duration delay) {
      this.grantPropagationDelay = Objects.requireNonNull(delay);
      return this;
    }

    /** Verify SigV4 signatures of principals that have a secret (default true). */
    public Builder verifySignatures(boolean verify) {
      this.verifySignatures = verify;
      return this;
    }

    /** Also append the audit log as JSON lines to this file. */
    public Builder auditFile(Path file) {
      this.auditFile = file;
      return this;
    }

    public LocalKmsConfig build() {
      Set<String> ids = new java.util.HashSet<>();
      for (PrincipalConfig p : principals) {
        if (!ids.add(p.accessKeyId())) {
          throw new IllegalArgumentException("Duplicate access key id " + p.accessKeyId());
        }
      }
      if (!accounts.isEmpty()) {
        for (PrincipalConfig p : principals) {
          if (!accounts.contains(p.accountId())) {
            throw new IllegalArgumentException(
                "Principal " + p.arn() + " is in an undeclared account; declared: " + accounts);
          }
        }
        for (KeyConfig k : keys) {
          if (!accounts.contains(k.accountId())) {
            throw new IllegalArgumentException(
                "Key "
                    + k.keyId()
                    + " is in undeclared account "
                    + k.accountId()
                    + "; declared: "
                    + accounts);
          }
        }
      }
      return new LocalKmsConfig(this);
    }
  }
}
