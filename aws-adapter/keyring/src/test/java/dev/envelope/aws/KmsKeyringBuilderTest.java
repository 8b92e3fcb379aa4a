package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration checks that need no KMS: they fail at build time. */
class KmsKeyringBuilderTest {
  private static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final KmsClientSupplier NO_CLIENTS =
      region -> {
        throw new AssertionError("no KMS call expected");
      };

  @Test
  void needsKeysOrDiscovery() {
    assertThatThrownBy(() -> KmsKeyring.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generator");
  }

  @Test
  void refusesBareKeyIdsAndAliasNames() {
    assertThatThrownBy(
            () ->
                KmsKeyring.builder().generatorKeyId("1234abcd-12ab-34cd-56ef-1234567890ab").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ARN");
    assertThatThrownBy(() -> KmsKeyring.builder().keyIds("alias/foo").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsAliasArnAsGenerator() {
    KmsKeyring k =
        KmsKeyring.builder()
            .generatorKeyId("arn:aws:kms:us-east-1:111122223333:alias/app")
            .clientSupplier(NO_CLIENTS)
            .build();
    assertThat(k.isDiscovery()).isFalse();
    assertThat(k.toString()).contains("alias/app");
  }

  @Test
  void discoveryTakesNoKeys() {
    assertThatThrownBy(
            () ->
                KmsKeyring.builder()
                    .discovery(DiscoveryFilter.of("aws", "111122223333"))
                    .generatorKeyId(KEY)
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> KmsKeyring.builder().generatorKeyId(KEY).discoveryRegion("us-east-1").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void discoveryNeedsItsRegions() {
    assertThatThrownBy(
            () ->
                KmsKeyring.builder()
                    .discovery(DiscoveryFilter.of("aws", "111122223333"))
                    .clientSupplier(NO_CLIENTS)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discoveryRegion");
    assertThatThrownBy(
            () ->
                KmsKeyring.builder()
                    .discovery(DiscoveryFilter.of("aws", "111122223333"))
                    .discoveryRegions("us-east-1", "not a region\n")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'not a region\\u000A'");
    KmsKeyring two =
        KmsKeyring.builder()
            .discovery(DiscoveryFilter.of("aws", "111122223333"))
            .discoveryRegions(List.of("us-east-1", "eu-west-1", "us-east-1"))
            .clientSupplier(NO_CLIENTS)
            .build();
    assertThat(two.toString()).contains("regions=[us-east-1, eu-west-1]");
  }

  @Test
  void refusesTwoReplicasOfOneMultiRegionKey() {
    assertThatThrownBy(
            () ->
                KmsKeyring.builder()
                    .generatorKeyId("arn:aws:kms:us-east-1:111122223333:key/mrk-abc")
                    .keyIds("arn:aws:kms:us-west-2:111122223333:key/mrk-abc")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicas");
  }

  @Test
  void atMostTenGrantTokens() {
    List<String> eleven = new ArrayList<>(Collections.nCopies(11, "token"));
    assertThatThrownBy(() -> KmsKeyring.builder().generatorKeyId(KEY).grantTokens(eleven))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10 grant tokens");
    assertThatThrownBy(() -> KmsKeyring.builder().generatorKeyId(KEY).grantTokens("a", ""))
        .isInstanceOf(IllegalArgumentException.class);
    KmsKeyring.builder().generatorKeyId(KEY).grantTokens(Collections.nCopies(10, "token")).build();
  }

  @Test
  void discoveryKeyringDoesNotEncrypt() {
    KmsKeyring k =
        KmsKeyring.builder()
            .discovery(DiscoveryFilter.of("aws", "111122223333"))
            .discoveryRegion("us-east-1")
            .clientSupplier(NO_CLIENTS)
            .build();
    assertThatThrownBy(() -> k.onEncrypt(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only decrypts");
  }
}
