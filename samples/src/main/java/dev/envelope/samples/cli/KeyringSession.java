package dev.envelope.samples.cli;

import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.DiscoveryFilter;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.aws.local.LocalKmsConfig;
import dev.envelope.aws.local.PrincipalConfig;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.KeyFiles;
import dev.envelope.samples.support.KeyIds;
import dev.envelope.samples.support.UsageException;
import java.util.Arrays;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kms.KmsClient;

/** The keyring chosen by the command-line options, and whatever has to be closed after it. */
final class KeyringSession implements AutoCloseable {
  enum Mode {
    ENCRYPT,
    DECRYPT
  }

  private final Keyring keyring;
  private final String description;
  private final AutoCloseable resources;

  private KeyringSession(Keyring keyring, String description, AutoCloseable resources) {
    this.keyring = keyring;
    this.description = description;
    this.resources = resources;
  }

  Keyring keyring() {
    return keyring;
  }

  /** Which key is in use, for the user; never key bytes. */
  String description() {
    return description;
  }

  static KeyringSession open(KeyOptions keys, KmsOptions kms, Mode mode) {
    if (keys.rawAesKey != null) {
      if (keys.key != null) {
        throw new UsageException(
            "use either --key (KMS) or --raw-aes-key (local AES key), not both");
      }
      if (kms.aws) {
        throw new UsageException("--aws selects KMS; drop it when using --raw-aes-key");
      }
      byte[] wrapping = KeyFiles.read(keys.rawAesKey);
      try {
        RawAesKeyring raw =
            RawAesKeyring.builder()
                .keyNamespace(keys.keyNamespace)
                .keyName(keys.keyName)
                .wrappingKey(wrapping)
                .build();
        return new KeyringSession(
            raw, "raw AES key " + keys.keyNamespace + "/" + keys.keyName, raw::destroy);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage() + "; check --key-namespace and --raw-aes-key", e);
      } finally {
        Arrays.fill(wrapping, (byte) 0);
      }
    }
    if (kms.useAws()) {
      if (kms.localEndpoint != null) {
        throw new UsageException(
            "--aws and --local-kms-endpoint exclude each other; choose one KMS");
      }
      return aws(keys, kms, mode);
    }
    return kms.localEndpoint != null ? remoteLocal(keys, kms, mode) : local(keys, kms, mode);
  }

  /**
   * A local KMS in another process: plain KMS keyring, its credentials from the same config file.
   */
  private static KeyringSession remoteLocal(KeyOptions keys, KmsOptions kms, Mode mode) {
    String scheme = kms.localEndpoint.getScheme();
    if (!"http".equals(scheme) || kms.localEndpoint.getHost() == null) {
      throw new UsageException(
          "--local-kms-endpoint must look like http://127.0.0.1:PORT (as `envelope local-kms`"
              + " prints it), not "
              + kms.localEndpoint);
    }
    LocalKmsConfig config = DevKms.loadOrCreateConfig(kms.home());
    PrincipalConfig app =
        config.principals().stream()
            .filter(p -> p.accessKeyId().equals(LocalKmsConfig.APP_ACCESS_KEY_ID))
            .findFirst()
            .orElseGet(() -> config.principals().isEmpty() ? null : config.principals().get(0));
    if (app == null || app.secretAccessKey() == null) {
      throw new UsageException(
          "the local KMS config in "
              + kms.home()
              + " has no principal with a secret to sign"
              + " requests as; use the config the server runs with (--local-kms-state)");
    }
    CachingKmsClientSupplier clients =
        CachingKmsClientSupplier.builder()
            .endpointOverride(kms.localEndpoint)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(app.accessKeyId(), app.secretAccessKey())))
            .build();
    try {
      String where = "the local KMS at " + kms.localEndpoint;
      KmsKeyring.Builder keyring = KmsKeyring.builder().clientSupplier(clients);
      if (mode == Mode.DECRYPT && keys.key == null) {
        java.util.Set<String> accounts = new java.util.LinkedHashSet<>();
        java.util.Set<String> regions = new java.util.LinkedHashSet<>();
        regions.add(config.region());
        config
            .keys()
            .forEach(
                k -> {
                  accounts.add(k.accountId());
                  if (k.region() != null) {
                    regions.add(k.region());
                  }
                });
        accounts.add(LocalKmsConfig.DEFAULT_ACCOUNT);
        return new KeyringSession(
            keyring
                .discovery(DiscoveryFilter.of("aws", accounts))
                .discoveryRegions(regions)
                .build(),
            where,
            clients);
      }
      String key = keys.key != null ? keys.key : defaultAlias(config);
      String arn = KeyIds.resolve(clients.client(config.region()), key, where);
      return new KeyringSession(
          keyring.generatorKeyId(arn).build(), "key " + arn + " of " + where, clients);
    } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
      clients.close();
      throw new UsageException(
          "cannot reach the local KMS at "
              + kms.localEndpoint
              + " ("
              + e.getMessage()
              + "); is `envelope local-kms` running there?",
          e);
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  private static String defaultAlias(LocalKmsConfig config) {
    return config.keys().stream()
        .findFirst()
        .map(k -> k.aliases().isEmpty() ? k.keyId() : k.aliases().get(0))
        .orElseThrow(
            () -> new UsageException("the local KMS config has no keys; name one with --key"));
  }

  private static KeyringSession local(KeyOptions keys, KmsOptions kms, Mode mode) {
    DevKms dev = DevKms.open(kms.home());
    try {
      if (mode == Mode.DECRYPT && keys.key == null) {
        return new KeyringSession(
            dev.discoveryKeyring(), "local KMS (any key of its accounts)", dev);
      }
      String arn = dev.resolveKeyArn(keys.key != null ? keys.key : dev.defaultAlias());
      return new KeyringSession(dev.keyring(arn), "local KMS key " + arn, dev);
    } catch (RuntimeException e) {
      dev.close();
      throw e;
    }
  }

  private static KeyringSession aws(KeyOptions keys, KmsOptions kms, Mode mode) {
    if (keys.key == null) {
      throw new UsageException(
          "--aws needs --key: the key ARN (or alias/NAME with --region) to "
              + (mode == Mode.ENCRYPT
                  ? "encrypt with"
                  : "decrypt with; it must be the key the file was encrypted under"));
    }
    CachingKmsClientSupplier clients = CachingKmsClientSupplier.builder().build();
    try {
      String arn = keys.key;
      if (!KeyIds.isKeyArn(arn)) {
        String region = kms.region != null ? kms.region : defaultRegion();
        KmsClient client = clients.client(region);
        arn = KeyIds.resolve(client, keys.key, "AWS KMS in " + region);
      }
      Keyring keyring = KmsKeyring.builder().generatorKeyId(arn).clientSupplier(clients).build();
      return new KeyringSession(keyring, "AWS KMS key " + arn, clients);
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  private static String defaultRegion() {
    try {
      Region region = DefaultAwsRegionProviderChain.builder().build().getRegion();
      return region.id();
    } catch (RuntimeException e) {
      throw new UsageException(
          "no AWS Region: pass --region, set AWS_REGION, or give --key as a full key ARN", e);
    }
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      // closing local resources cannot fail in a way the user can act on
    }
  }
}
