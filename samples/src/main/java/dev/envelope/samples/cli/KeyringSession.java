package dev.envelope.samples.cli;

import dev.envelope.aws.CachingKmsClientSupplier;
import dev.envelope.aws.KmsKeyring;
import dev.envelope.keyring.Keyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.samples.support.DevKms;
import dev.envelope.samples.support.KeyFiles;
import dev.envelope.samples.support.KeyIds;
import dev.envelope.samples.support.UsageException;
import java.util.Arrays;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kms.KmsClient;

/** The keyring chosen by the command-line options, and whatever has to be closed after it. */
final class KeyringSession implements AutoCloseable {
  enum Mode { ENCRYPT, DECRYPT }

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
        throw new UsageException("use either --key (KMS) or --raw-aes-key (local AES key), not both");
      }
      if (kms.aws) {
        throw new UsageException("--aws selects KMS; drop it when using --raw-aes-key");
      }
      byte[] wrapping = KeyFiles.read(keys.rawAesKey);
      try {
        RawAesKeyring raw = RawAesKeyring.builder().keyNamespace(keys.keyNamespace).keyName(keys.keyName)
            .wrappingKey(wrapping).build();
        return new KeyringSession(raw, "raw AES key " + keys.keyNamespace + "/" + keys.keyName, raw::destroy);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage() + "; check --key-namespace and --raw-aes-key", e);
      } finally {
        Arrays.fill(wrapping, (byte) 0);
      }
    }
    return kms.useAws() ? aws(keys, kms, mode) : local(keys, kms, mode);
  }

  private static KeyringSession local(KeyOptions keys, KmsOptions kms, Mode mode) {
    DevKms dev = DevKms.open(kms.home());
    try {
      if (mode == Mode.DECRYPT && keys.key == null) {
        return new KeyringSession(dev.discoveryKeyring(), "local KMS (any key of its accounts)", dev);
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
      throw new UsageException("--aws needs --key: the key ARN (or alias/NAME with --region) to "
          + (mode == Mode.ENCRYPT ? "encrypt with" : "decrypt with; it must be the key the file was encrypted under"));
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
      throw new UsageException("no AWS Region: pass --region, set AWS_REGION, or give --key as a full key ARN", e);
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
