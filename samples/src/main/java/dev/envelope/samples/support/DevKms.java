package dev.envelope.samples.support;

import dev.envelope.aws.DiscoveryFilter;
import dev.envelope.aws.KmsClientSupplier;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.aws.local.AuditEvent;
import dev.envelope.aws.local.KeyConfig;
import dev.envelope.aws.local.LocalKms;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import dev.envelope.keyring.Keyring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The local KMS as the samples and the CLI use it: started in-process on an ephemeral loopback
 * port, used through the real AWS SDK client as the application principal, with KMS calls counted
 * from its audit log.
 *
 * <p>{@link #open(Path)} keeps the KMS configuration in an Envelope home directory ({@value
 * #CONFIG_FILE}), written on first use with the development defaults plus freshly generated root
 * key material for each key (owner-only file), and loaded on every run: every run's KMS has the
 * same keys with the same material, so a file encrypted in one run decrypts in the next.
 * Development only: anyone who can read the file can decrypt what its keys encrypted. A config
 * without key material still works, but its keys get new material at every start. {@link
 * #ephemeral()} persists nothing.
 */
public final class DevKms implements AutoCloseable {
  public static final String CONFIG_FILE = "local-kms.json";

  private final LocalKms kms;
  private final String accessKeyId;
  private final Map<String, KmsClient> clients = new ConcurrentHashMap<>();
  private final KmsClientSupplier supplier;

  private DevKms(LocalKmsConfig config) {
    this.kms = LocalKms.builder().config(config).port(0).start();
    this.accessKeyId = applicationPrincipal(config);
    this.supplier =
        region -> clients.computeIfAbsent(region, r -> kms.kmsClientFor(accessKeyId, r));
  }

  /** A local KMS with the default configuration and nothing kept after {@link #close()}. */
  public static DevKms ephemeral() {
    return new DevKms(LocalKmsConfig.defaults());
  }

  /** A local KMS configured from {@code home}/{@value #CONFIG_FILE} (created if absent). */
  public static DevKms open(Path home) {
    return new DevKms(loadOrCreateConfig(home));
  }

  /**
   * Reads {@code home}/{@value #CONFIG_FILE}, first writing the development defaults with fresh
   * random key material there (owner-only) if it is missing. Several processes starting at once all
   * read the same file.
   */
  public static LocalKmsConfig loadOrCreateConfig(Path home) {
    Path file = home.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      byte[] content = defaultConfigJson(new SecureRandom()).getBytes(StandardCharsets.UTF_8);
      try {
        AtomicFiles.createIfAbsent(file, content, true);
      } catch (IOException e) {
        throw new UsageException(
            "cannot write "
                + file
                + ": "
                + e.getMessage()
                + "; choose a writable directory with --local-kms-state or ENVELOPE_HOME",
            e);
      } finally {
        Arrays.fill(content, (byte) 0);
      }
    }
    try {
      return LocalKmsConfig.load(file);
    } catch (RuntimeException e) {
      throw new UsageException(
          "local KMS config "
              + file
              + " is invalid: "
              + e.getMessage()
              + "; fix it, or delete it to get the defaults back",
          e);
    }
  }

  /**
   * {@link LocalKmsConfig#defaults()} in the JSON form {@link LocalKmsConfig#load} reads, so the
   * file on disk says exactly what the in-process KMS runs with, plus {@code keyMaterial} for each
   * key: 32 bytes from {@code random}, base64 (development only; it makes the keys the same in
   * every run).
   */
  static String defaultConfigJson(SecureRandom random) {
    LocalKmsConfig d = LocalKmsConfig.defaults();
    StringBuilder s = new StringBuilder();
    s.append("{\n  \"region\": ").append(q(d.region())).append(",\n  \"principals\": [");
    String sep = "\n";
    for (PrincipalConfig p : d.principals()) {
      s.append(sep).append("    {\"accessKeyId\": ").append(q(p.accessKeyId()));
      if (p.secretAccessKey() != null) {
        s.append(", \"secretAccessKey\": ").append(q(p.secretAccessKey()));
      }
      s.append(", \"arn\": ").append(q(p.arn())).append(",\n     \"policies\": [");
      s.append(p.iamPolicies().stream().collect(Collectors.joining(", "))).append("]}");
      sep = ",\n";
    }
    s.append("\n  ],\n  \"keys\": [");
    sep = "\n";
    for (KeyConfig k : d.keys()) {
      s.append(sep)
          .append("    {\"keyId\": ")
          .append(q(k.keyId()))
          .append(", \"account\": ")
          .append(q(k.accountId()));
      if (k.description() != null) {
        s.append(", \"description\": ").append(q(k.description()));
      }
      if (k.policy() != null) {
        s.append(", \"policy\": ").append(k.policy());
      }
      s.append(", \"aliases\": [")
          .append(k.aliases().stream().map(DevKms::q).collect(Collectors.joining(", ")))
          .append("]");
      byte[] material = new byte[KeyConfig.KEY_MATERIAL_BYTES];
      random.nextBytes(material);
      s.append(",\n     \"keyMaterial\": ")
          .append(q(Base64.getEncoder().encodeToString(material)))
          .append('}');
      Arrays.fill(material, (byte) 0);
      sep = ",\n";
    }
    return s.append("\n  ]\n}\n").toString();
  }

  private static String q(String v) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.append('"').toString();
  }

  /** The default application principal if the config has it, else the first principal. */
  private static String applicationPrincipal(LocalKmsConfig config) {
    for (PrincipalConfig p : config.principals()) {
      if (p.accessKeyId().equals(LocalKmsConfig.APP_ACCESS_KEY_ID)) {
        return p.accessKeyId();
      }
    }
    if (config.principals().isEmpty()) {
      throw new UsageException(
          "the local KMS config has no principals; add one (see the defaults by deleting"
              + " the config file)");
    }
    return config.principals().get(0).accessKeyId();
  }

  public LocalKms localKms() {
    return kms;
  }

  public String region() {
    return kms.config().region();
  }

  /**
   * The key used when none is named: the first alias of the first configured key
   * (alias/envelope-dev by default).
   */
  public String defaultAlias() {
    for (KeyConfig k : kms.config().keys()) {
      return k.aliases().isEmpty() ? k.keyId() : k.aliases().get(0);
    }
    throw new UsageException(
        "the local KMS config has no keys; add one, or delete the config to get the defaults");
  }

  /** The SDK client the application principal uses in the default Region. */
  public KmsClient client() {
    return supplier.client(region());
  }

  public KmsClientSupplier clientSupplier() {
    return supplier;
  }

  /**
   * The key ARN for a key ARN, key id, alias name or alias ARN, asking the KMS ({@code
   * DescribeKey}) like an application would; the keyring needs key ARNs to match data keys on
   * decryption.
   */
  public String resolveKeyArn(String key) {
    return KeyIds.resolve(client(), key, "the local KMS (" + region() + ")");
  }

  /** A KMS keyring for {@code keyArn}. */
  public Keyring keyring(String keyArn) {
    return KmsKeyring.builder().generatorKeyId(keyArn).clientSupplier(supplier).build();
  }

  /**
   * A decrypt-only keyring for any key of the configured accounts and Regions (KMS discovery mode).
   */
  public Keyring discoveryKeyring() {
    Set<String> accounts = new LinkedHashSet<>();
    Set<String> regions = new LinkedHashSet<>();
    regions.add(region());
    for (KeyConfig k : kms.config().keys()) {
      accounts.add(k.accountId());
      if (k.region() != null) {
        regions.add(k.region());
      }
    }
    if (accounts.isEmpty()) {
      accounts.add(LocalKmsConfig.DEFAULT_ACCOUNT);
    }
    // Discovery decrypts only in the Regions it is given: those of this KMS's keys.
    return KmsKeyring.builder()
        .discovery(DiscoveryFilter.of("aws", accounts))
        .discoveryRegions(regions)
        .clientSupplier(supplier)
        .build();
  }

  /** Calls made to this KMS so far, by operation (from its audit log). */
  public Map<String, Long> callsByOperation() {
    return kms.auditLog().events().stream()
        .collect(Collectors.groupingBy(AuditEvent::operation, TreeMap::new, Collectors.counting()));
  }

  /** Calls of these operations so far. */
  public long calls(String... operations) {
    List<String> ops = List.of(operations);
    return kms.auditLog().events(e -> ops.contains(e.operation())).size();
  }

  @Override
  public void close() {
    kms.close(); // closes the clients it made
  }

  /** Thrown when a key named on the command line does not exist. */
  static UsageException noSuchKey(String key, String where, NotFoundException e) {
    return new UsageException(
        "key '"
            + key
            + "' does not exist in "
            + where
            + "; check --key (a key ARN, key id, alias/NAME or alias ARN)",
        e);
  }
}
