package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.AdaptiveRetryStrategy;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;

class CachingKmsClientSupplierTest {

  @Test
  void toStringShowsTheEndpointWithoutItsLogin() {
    try (CachingKmsClientSupplier s =
        CachingKmsClientSupplier.builder()
            .endpointOverride(URI.create("https://gateway-user:s3cr3t-pass@kms.example:8443/path"))
            .build()) {
      assertThat(s.toString())
          .contains("endpoint=https://kms.example:8443/path")
          .doesNotContain("s3cr3t-pass")
          .doesNotContain("gateway-user");
    }
  }

  @Test
  void oneClientPerRegion() {
    CachingKmsClientSupplier s =
        CachingKmsClientSupplier.builder()
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .build();
    KmsClient east = s.client("us-east-1");
    assertThat(s.client("us-east-1")).isSameAs(east);
    assertThat(s.client("eu-west-1")).isNotSameAs(east);
    assertThat(east.serviceClientConfiguration().region().id()).isEqualTo("us-east-1");
    assertThatThrownBy(() -> s.client("not a region")).isInstanceOf(IllegalArgumentException.class);
    s.close();
    assertThatThrownBy(() -> s.client("us-east-1")).isInstanceOf(IllegalStateException.class);
  }

  private static CachingKmsClientSupplier.Builder offline() {
    return CachingKmsClientSupplier.builder()
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .endpointOverride(URI.create("http://127.0.0.1:1"));
  }

  @Test
  void aRegionTheSdkDoesNotKnowIsRefusedBeforeAnyClientExists() {
    try (CachingKmsClientSupplier s = offline().build()) {
      for (int i = 0; i < 20; i++) {
        String madeUp = "xx-made-up-" + i;
        assertThatThrownBy(() -> s.client(madeUp))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + madeUp + "' is not a Region this AWS SDK knows");
      }
      assertThat(s.toString()).contains("regions=[]");
      assertThat(s.client("eu-central-1").serviceClientConfiguration().region().id())
          .isEqualTo("eu-central-1");
    }
  }

  @Test
  void anAllowListReplacesTheSdksRegions() {
    try (CachingKmsClientSupplier s = offline().allowedRegions("us-east-1", "xx-newer-1").build()) {
      assertThat(s.client("xx-newer-1").serviceClientConfiguration().region().id())
          .isEqualTo("xx-newer-1");
      assertThatThrownBy(() -> s.client("us-west-2"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("allowed Regions [us-east-1, xx-newer-1]");
    }
    assertThatThrownBy(() -> CachingKmsClientSupplier.builder().allowedRegions("us-east-1\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void holdsAtMostMaxClients() {
    try (CachingKmsClientSupplier s = offline().maxClients(2).build()) {
      KmsClient east = s.client("us-east-1");
      s.client("eu-west-1");
      assertThatThrownBy(() -> s.client("us-west-2"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already holds 2 KMS clients");
      assertThat(s.client("us-east-1")).isSameAs(east);
    }
    assertThatThrownBy(() -> CachingKmsClientSupplier.builder().maxClients(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryStrategyPerClientFromModeAttemptsAndBackoff() {
    CachingKmsClientSupplier standard =
        CachingKmsClientSupplier.builder()
            .maxAttempts(7)
            .backoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(5)))
            .build();
    RetryStrategy a = standard.newRetryStrategy();
    assertThat(a).isInstanceOf(StandardRetryStrategy.class);
    assertThat(a.maxAttempts()).isEqualTo(7);
    // Fresh per Region: token buckets are not shared between Regions' quotas.
    assertThat(standard.newRetryStrategy()).isNotSameAs(a);

    RetryStrategy adaptive =
        CachingKmsClientSupplier.builder()
            .retryMode(RetryMode.ADAPTIVE_V2)
            .build()
            .newRetryStrategy();
    assertThat(adaptive).isInstanceOf(AdaptiveRetryStrategy.class);

    assertThatThrownBy(() -> CachingKmsClientSupplier.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void customizerReplacingTheOverrideConfigurationKeepsTheRetrySettings() {
    try (CachingKmsClientSupplier s =
        CachingKmsClientSupplier.builder()
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .maxAttempts(7)
            .clientCustomizer(
                b -> b.overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3))))
            .build()) {
      var config = s.client("us-east-1").serviceClientConfiguration().overrideConfiguration();
      assertThat(config.apiCallTimeout()).hasValue(Duration.ofSeconds(3));
      assertThat(config.retryStrategy())
          .hasValueSatisfying(r -> assertThat(r.maxAttempts()).isEqualTo(7));
    }
    // A customizer that picks its own retry strategy wins.
    try (CachingKmsClientSupplier s =
        CachingKmsClientSupplier.builder()
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .maxAttempts(7)
            .clientCustomizer(
                b ->
                    b.overrideConfiguration(
                        o ->
                            o.retryStrategy(
                                StandardRetryStrategy.builder().maxAttempts(2).build())))
            .build()) {
      assertThat(
              s.client("us-east-1")
                  .serviceClientConfiguration()
                  .overrideConfiguration()
                  .retryStrategy())
          .hasValueSatisfying(r -> assertThat(r.maxAttempts()).isEqualTo(2));
    }
  }
}
