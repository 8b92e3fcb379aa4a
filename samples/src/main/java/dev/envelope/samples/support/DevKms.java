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
import dev.envelope.keyring.RawAesKeyring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * The local KMS as the samples and the CLI use it: started in-process on an ephemeral loopback port, used
 * through the real AWS SDK client as the application principal, with KMS calls counted from its audit log.
 *
 * <p>{@link #open(Path)} persists what can be persisted in an Envelope home directory: the KMS
 * configuration ({@value #CONFIG_FILE}, written with the development defaults on first use and yours to
 * edit) and a development escrow key ({@value #ESCROW_FILE}), because the local KMS itself keeps key
 * material in memory only. See {@link EscrowFallbackKeyring} for how a file encrypted in one run decrypts in
 * the next. {@link #ephemeral()} persists nothing and escrows nothing.
 */
public final class DevKms implements AutoCloseable {
  public static final String CONFIG_FILE = "local-kms.json";
  public static final String ESCROW_FILE = "local-kms-escrow.key";
  static final String ESCROW_NAMESPACE = "envelope-local-kms-escrow";
  static final String ESCROW_KEY_NAME = "development-escrow-v1";

  private final LocalKms kms;
  private final String accessKeyId;
  private final RawAesKeyring escrow;
  private final Map<String, KmsClient> clients = new ConcurrentHashMap<>();
  private final KmsClientSupplier supplier;

  private DevKms(LocalKmsConfig config, RawAesKeyring escrow) {
    this.kms = LocalKms.builder().config(config).port(0).start();
    this.escrow = escrow;
    this.accessKeyId = applicationPrincipal(config);
    this.supplier = region -> clients.computeIfAbsent(region, r -> kms.kmsClientFor(accessKeyId, r));
  }

  /** A local KMS with the default configuration and nothing kept after {@link #close()}. */
  public static DevKms ephemeral() {
    return new DevKms(LocalKmsConfig.defaults(), null);
  }

  /** A local KMS configured from {@code home}, with the escrow key of {@code home} (both created if absent). */
  public static DevKms open(Path home) {
    LocalKmsConfig config = loadOrCreateConfig(home);
    byte[] key = KeyFiles.readOrCreate(home.resolve(ESCROW_FILE));
    try {
      RawAesKeyring escrow = RawAesKeyring.builder().keyNamespace(ESCROW_NAMESPACE).keyName(ESCROW_KEY_NAME)
          .wrappingKey(key).build();
      return new DevKms(config, escrow);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** Reads {@code home}/{@value #CONFIG_FILE}, first writing the development defaults there if it is missing. */
  public static LocalKmsConfig loadOrCreateConfig(Path home) {
    Path file = home.resolve(CONFIG_FILE);
    try {
      AtomicFiles.createIfAbsent(file, defaultConfigJson().getBytes(StandardCharsets.UTF_8), false);
    } catch (IOException e) {
      throw new UsageException("cannot write " + file + ": " + e.getMessage()
          + "; choose a writable directory with --local-kms-state or ENVELOPE_HOME", e);
    }
    try {
      return LocalKmsConfig.load(file);
    } catch (RuntimeException e) {
      throw new UsageException("local KMS config " + file + " is invalid: " + e.getMessage()
          + "; fix it, or delete it to get the defaults back", e);
    }
  }

  /**
   * {@link LocalKmsConfig#defaults()} in the JSON form {@link LocalKmsConfig#load} reads, so the file on
   * disk says exactly what the in-process KMS runs with.
   */
  static String defaultConfigJson() {
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
      s.append(sep).append("    {\"keyId\": ").append(q(k.keyId())).append(", \"account\": ").append(q(k.accountId()));
      if (k.description() != null) {
        s.append(", \"description\": ").append(q(k.description()));
      }
      if (k.policy() != null) {
        s.append(", \"policy\": ").append(k.policy());
      }
      s.append(", \"aliases\": [")
          .append(k.aliases().stream().map(DevKms::q).collect(Collectors.joining(", "))).append("]}");
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
      throw new UsageException("the local KMS config has no principals; add one (see the defaults by deleting"
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

  /** The key used when none is named: the first alias of the first configured key (alias/envelope-dev by default). */
  public String defaultAlias() {
    for (KeyConfig k : kms.config().keys()) {
      return k.aliases().isEmpty() ? k.keyId() : k.aliases().get(0);
    }
    throw new UsageException("the local KMS config has no keys; add one, or delete the config to get the defaults");
  }

  /** The SDK client the application principal uses in the default Region. */
  public KmsClient client() {
    return supplier.client(region());
  }

  public KmsClientSupplier clientSupplier() {
    return supplier;
  }

  /**
   * The key ARN for a key ARN, key id, alias name or alias ARN, asking the KMS ({@code DescribeKey}) like an
   * application would; the keyring needs key ARNs to match data keys on decryption.
   */
  public String resolveKeyArn(String key) {
    return KeyIds.resolve(client(), key, "the local KMS (" + region() + ")");
  }

  /** A keyring for {@code keyArn}; it escrows data keys when this KMS was opened on a home directory. */
  public Keyring keyring(String keyArn) {
    Keyring kmsKeyring = KmsKeyring.builder().generatorKeyId(keyArn).clientSupplier(supplier).build();
    return escrow == null ? kmsKeyring : new EscrowFallbackKeyring(kmsKeyring, escrow);
  }

  /** A decrypt-only keyring for any key of the configured accounts (KMS discovery mode). */
  public Keyring discoveryKeyring() {
    Set<String> accounts = new LinkedHashSet<>();
    for (KeyConfig k : kms.config().keys()) {
      accounts.add(k.accountId());
    }
    if (accounts.isEmpty()) {
      accounts.add(LocalKmsConfig.DEFAULT_ACCOUNT);
    }
    Keyring kmsKeyring = KmsKeyring.builder().discovery(DiscoveryFilter.of("aws", accounts))
        .clientSupplier(supplier).build();
    return escrow == null ? kmsKeyring : new EscrowFallbackKeyring(kmsKeyring, escrow);
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
    if (escrow != null) {
      escrow.destroy();
    }
  }

  /** Thrown when a key named on the command line does not exist. */
  static UsageException noSuchKey(String key, String where, NotFoundException e) {
    return new UsageException("key '" + key + "' does not exist in " + where
        + "; check --key (a key ARN, key id, alias/NAME or alias ARN)", e);
  }
}
