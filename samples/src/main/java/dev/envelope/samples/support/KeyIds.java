package dev.envelope.samples.support;

import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** Turns whatever the user typed for a KMS key into the key ARN that data keys are stored under. */
public final class KeyIds {
  private KeyIds() {}

  /** True for {@code arn:aws:kms:REGION:ACCOUNT:key/ID} (not alias ARNs). */
  public static boolean isKeyArn(String key) {
    return key.startsWith("arn:") && key.contains(":kms:") && key.contains(":key/");
  }

  /** The key ARN, asking KMS with {@code DescribeKey} unless {@code key} already is one. */
  public static String resolve(KmsClient client, String key, String where) {
    if (isKeyArn(key)) {
      return key;
    }
    try {
      return client.describeKey(b -> b.keyId(key)).keyMetadata().arn();
    } catch (NotFoundException e) {
      throw DevKms.noSuchKey(key, where, e);
    }
  }
}
