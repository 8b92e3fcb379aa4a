package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KmsArnTest {
  private static final String KEY =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String MRK_EAST =
      "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  private static final String MRK_WEST =
      "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";

  @Test
  void parsesKeyAndAliasArns() {
    KmsArn key = KmsArn.parse(KEY);
    assertThat(key.partition()).isEqualTo("aws");
    assertThat(key.region()).isEqualTo("us-east-1");
    assertThat(key.accountId()).isEqualTo("111122223333");
    assertThat(key.isKey()).isTrue();
    assertThat(key.isMultiRegionKey()).isFalse();
    assertThat(key.toString()).isEqualTo(KEY);

    KmsArn alias = KmsArn.parse("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/s3");
    assertThat(alias.isAlias()).isTrue();
    assertThat(alias.resourceId()).isEqualTo("aws/s3");
    assertThat(alias.partition()).isEqualTo("aws-us-gov");
    assertThat(KmsArn.parse(MRK_EAST).isMultiRegionKey()).isTrue();
    assertThat(
            KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/mrk-looking-alias")
                .isMultiRegionKey())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "alias/foo",
        "arn:aws:kms:us-east-1:111122223333",
        "arn:aws:kms:us-east-1:111122223333:key",
        "arn:aws:kms:us-east-1:111122223333:key/",
        "arn:aws:kms:us-east-1:111122223333:grant/abc",
        "arn:aws:s3:us-east-1:111122223333:key/abc",
        "arn::kms:us-east-1:111122223333:key/abc",
        "arn:aws:kms::111122223333:key/abc",
        "arn:aws:kms:us-east-1::key/abc",
        "arn:aws:kms:us-east-1:11112222333:key/abc",
        "arn:aws:kms:us-east-1:1111222233334:key/abc",
        "arn:aws:kms:US-EAST-1:111122223333:key/abc",
        "arn:aws:kms:us-east-1:111122223333:key/ab c",
        "arn:aws:kms:us-east-1:111122223333:key/abc\n",
        "ARN:aws:kms:us-east-1:111122223333:key/abc",
        " arn:aws:kms:us-east-1:111122223333:key/abc",
      })
  void rejectsMalformedArns(String arn) {
    assertThatThrownBy(() -> KmsArn.parse(arn)).isInstanceOf(IllegalArgumentException.class);
    assertThat(KmsArn.tryParse(arn)).isNull();
  }

  @Test
  void multiRegionKeysMatchAcrossRegionsOnly() {
    assertThat(KmsArn.mrkMatch(KmsArn.parse(MRK_EAST), KmsArn.parse(MRK_WEST))).isTrue();
    assertThat(KmsArn.mrkMatch(KmsArn.parse(KEY), KmsArn.parse(KEY))).isTrue();
    // A single-Region key with the same id in another Region is a different key.
    assertThat(
            KmsArn.mrkMatch(KmsArn.parse(KEY), KmsArn.parse(KEY.replace("us-east-1", "us-west-2"))))
        .isFalse();
    // Other account, other partition or other id: no match.
    assertThat(
            KmsArn.mrkMatch(
                KmsArn.parse(MRK_EAST),
                KmsArn.parse(MRK_WEST.replace("111122223333", "444455556666"))))
        .isFalse();
    assertThat(
            KmsArn.mrkMatch(
                KmsArn.parse(MRK_EAST), KmsArn.parse(MRK_WEST.replace("arn:aws:", "arn:aws-cn:"))))
        .isFalse();
    assertThat(
            KmsArn.mrkMatch(
                KmsArn.parse(MRK_EAST), KmsArn.parse(MRK_WEST.replace("mrk-1234", "mrk-9999"))))
        .isFalse();
    // An alias never matches a key.
    assertThat(
            KmsArn.mrkMatch(
                KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/x"),
                KmsArn.parse("arn:aws:kms:us-east-1:111122223333:key/x")))
        .isFalse();
  }

  @Test
  void withRegionMovesAReplica() {
    assertThat(KmsArn.parse(MRK_WEST).withRegion("us-east-1")).isEqualTo(KmsArn.parse(MRK_EAST));
  }

  @Test
  void discoveryFilterChecksPartitionAndAccount() {
    DiscoveryFilter filter = DiscoveryFilter.of("aws", "111122223333");
    assertThat(filter.allows(KmsArn.parse(KEY))).isTrue();
    assertThat(filter.allows(KmsArn.parse(KEY.replace("111122223333", "444455556666")))).isFalse();
    assertThat(filter.allows(KmsArn.parse(KEY.replace("arn:aws:", "arn:aws-cn:")))).isFalse();
    assertThatThrownBy(() -> DiscoveryFilter.of("aws"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one account");
    assertThatThrownBy(() -> DiscoveryFilter.of("aws", "1234"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiscoveryFilter.of("", "111122223333"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiscoveryFilter.of("aws", "*"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
