package dev.envelope.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.KmsAsyncClientBuilder;

/**
 * A {@link KmsAsyncClientSupplier} that builds one {@link KmsAsyncClient} per Region on first use
 * and keeps it, all sharing one Netty HTTP client ({@code netty-nio-client}): one event loop group
 * and one connection pool per endpoint, whatever the number of Regions. Retries are as in {@link
 * CachingKmsClientSupplier}: the SDK's standard (default) or adaptive strategy, one instance per
 * Region because KMS quotas are per Region.
 *
 * <pre>{@code
 * CachingKmsAsyncClientSupplier clients = CachingKmsAsyncClientSupplier.builder()
 *     .apiCallTimeout(Duration.ofSeconds(2))
 *     .build();
 * KmsKeyring keyring = KmsKeyring.builder().generatorKeyId(keyArn).asyncClientSupplier(clients).build();
 * }</pre>
 *
 * <p>As {@link CachingKmsClientSupplier}, it makes clients only for Regions it knows (those the AWS
 * SDK lists, or {@link Builder#allowedRegions}) and holds at most {@link Builder#maxClients}: a
 * Region can come from a key ARN in a message, which anyone can write.
 *
 * <p>Timeouts ({@link Builder#apiCallTimeout}, {@link Builder#apiCallAttemptTimeout}) surface as a
 * {@link KmsKeyProviderException} that says which timeout expired. Thread-safe; {@link #close()}
 * closes the clients and the HTTP client it made.
 */
public final class CachingKmsAsyncClientSupplier implements KmsAsyncClientSupplier, AutoCloseable {
  private final Builder settings;
  private final SdkAsyncHttpClient httpClient;
  private final boolean ownsHttpClient;
  private final RegionalClients<KmsAsyncClient> clients;

  private CachingKmsAsyncClientSupplier(Builder b) {
    this.settings = b.copy();
    this.ownsHttpClient = b.httpClient == null;
    this.httpClient = b.httpClient != null ? b.httpClient : nettyClient(b.maxConcurrency);
    this.clients =
        new RegionalClients<>(
            CachingKmsAsyncClientSupplier.class.getSimpleName(),
            b.allowedRegions,
            b.maxClients,
            this::create);
  }

  private static SdkAsyncHttpClient nettyClient(int maxConcurrency) {
    try {
      return NettyNioAsyncHttpClient.builder().maxConcurrency(maxConcurrency).build();
    } catch (NoClassDefFoundError missing) {
      throw new IllegalStateException(
          "CachingKmsAsyncClientSupplier builds its KMS clients on the AWS SDK's Netty client by"
              + " default, and software.amazon.awssdk:netty-nio-client is not on the class path: add"
              + " it, or pass an SdkAsyncHttpClient with httpClient(...)",
          missing);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public KmsAsyncClient client(String region) {
    return clients.client(region);
  }

  private KmsAsyncClient create(String region) {
    KmsAsyncClientBuilder builder =
        KmsAsyncClient.builder()
            .region(Region.of(region))
            .httpClient(httpClient)
            .overrideConfiguration(
                o -> {
                  o.retryStrategy(newRetryStrategy());
                  if (settings.apiCallTimeout != null) {
                    o.apiCallTimeout(settings.apiCallTimeout);
                  }
                  if (settings.apiCallAttemptTimeout != null) {
                    o.apiCallAttemptTimeout(settings.apiCallAttemptTimeout);
                  }
                });
    if (settings.credentialsProvider != null) {
      builder.credentialsProvider(settings.credentialsProvider);
    }
    if (settings.endpointOverride != null) {
      builder.endpointOverride(settings.endpointOverride);
    }
    if (settings.customizer != null) {
      settings.customizer.accept(builder);
    }
    return builder.build();
  }

  /** A fresh strategy per client: token buckets and rate limiters must not be shared by Regions. */
  private RetryStrategy newRetryStrategy() {
    return CachingKmsClientSupplier.retryStrategy(
        null, settings.retryMode, settings.maxAttempts, settings.backoffStrategy, null);
  }

  /** Closes every client this supplier made and its HTTP client; later calls fail. */
  @Override
  public void close() {
    clients.close();
    if (ownsHttpClient) {
      httpClient.close();
    }
  }

  @Override
  public String toString() {
    return "CachingKmsAsyncClientSupplier[regions="
        + clients.regions()
        + ", retry="
        + settings.retryMode
        + (settings.maxAttempts != null ? ", maxAttempts=" + settings.maxAttempts : "")
        + (settings.endpointOverride != null
            ? ", endpoint=" + EndpointText.of(settings.endpointOverride)
            : "")
        + "]";
  }

  /** Builds a {@link CachingKmsAsyncClientSupplier}. Every setting is optional. */
  public static final class Builder {
    private AwsCredentialsProvider credentialsProvider;
    private URI endpointOverride;
    private RetryMode retryMode = RetryMode.STANDARD;
    private Integer maxAttempts;
    private BackoffStrategy backoffStrategy;
    private Duration apiCallTimeout;
    private Duration apiCallAttemptTimeout;
    private int maxConcurrency = 200;
    private SdkAsyncHttpClient httpClient;
    private Consumer<KmsAsyncClientBuilder> customizer;
    private Set<String> allowedRegions;
    private int maxClients = CachingKmsClientSupplier.DEFAULT_MAX_CLIENTS;

    private Builder() {}

    /** The only Regions clients are made for; by default those the AWS SDK lists. */
    public Builder allowedRegions(Collection<String> regions) {
      this.allowedRegions = RegionalClients.checkedRegions(regions);
      return this;
    }

    /** See {@link #allowedRegions(Collection)}. */
    public Builder allowedRegions(String... regions) {
      return allowedRegions(List.of(regions));
    }

    /**
     * Most clients (Regions) the supplier holds; default {@value
     * CachingKmsClientSupplier#DEFAULT_MAX_CLIENTS}.
     */
    public Builder maxClients(int maxClients) {
      this.maxClients = RegionalClients.checkedMaxClients(maxClients);
      return this;
    }

    private Builder copy() {
      Builder b = new Builder();
      b.credentialsProvider = credentialsProvider;
      b.endpointOverride = endpointOverride;
      b.retryMode = retryMode;
      b.maxAttempts = maxAttempts;
      b.backoffStrategy = backoffStrategy;
      b.apiCallTimeout = apiCallTimeout;
      b.apiCallAttemptTimeout = apiCallAttemptTimeout;
      b.maxConcurrency = maxConcurrency;
      b.httpClient = httpClient;
      b.customizer = customizer;
      b.allowedRegions = allowedRegions;
      b.maxClients = maxClients;
      return b;
    }

    /** Credentials for every client; by default the SDK's default credentials chain. */
    public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
      this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
      return this;
    }

    /** Sends every Region's requests to this endpoint (a VPC endpoint, or the local KMS). */
    public Builder endpointOverride(URI endpoint) {
      this.endpointOverride = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** {@link RetryMode#STANDARD} (default) or {@link RetryMode#ADAPTIVE_V2}. */
    public Builder retryMode(RetryMode mode) {
      this.retryMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Total attempts per call including the first (1 disables retries); the SDK default is 3. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Delay before each retry, throttling errors included. */
    public Builder backoffStrategy(BackoffStrategy backoff) {
      this.backoffStrategy = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Time for a whole call, retries included; by default none. */
    public Builder apiCallTimeout(Duration timeout) {
      this.apiCallTimeout = Durations.requirePositive(timeout, "apiCallTimeout");
      return this;
    }

    /** Time for each attempt; by default none. */
    public Builder apiCallAttemptTimeout(Duration timeout) {
      this.apiCallAttemptTimeout = Durations.requirePositive(timeout, "apiCallAttemptTimeout");
      return this;
    }

    /**
     * Connections the shared Netty client opens per endpoint, which bounds requests in flight;
     * default 200. Ignored with {@link #httpClient}.
     */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency must be at least 1");
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * An HTTP client of your own (Netty or CRT), shared by every Region; not closed by {@link
     * #close}.
     */
    public Builder httpClient(SdkAsyncHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Anything else, applied to each client builder last. */
    public Builder clientCustomizer(Consumer<KmsAsyncClientBuilder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    public CachingKmsAsyncClientSupplier build() {
      return new CachingKmsAsyncClientSupplier(this);
    }
  }
}
