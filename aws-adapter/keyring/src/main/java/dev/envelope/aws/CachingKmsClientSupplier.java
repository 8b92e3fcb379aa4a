package dev.envelope.aws;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * A {@link KmsClientSupplier} that builds one {@link KmsClient} per Region on first use and keeps
 * it.
 *
 * <p>It makes clients only for Regions it knows: by default those the AWS SDK lists ({@code
 * Region.regions()}), or the set given to {@link Builder#allowedRegions}; any other Region string
 * is refused before a client exists, and it holds at most {@link Builder#maxClients} clients
 * (default {@value #DEFAULT_MAX_CLIENTS}). A client is costly (connection pool, credential refresh,
 * retries taking seconds against an endpoint that does not exist), and a Region can come from data:
 * a key ARN in a message, which anyone can write.
 *
 * <p>Retries use the AWS SDK's retry strategies ({@code software.amazon.awssdk.retries}): standard
 * (the default) or adaptive, both of which retry {@code ThrottlingException} with backoff. Each
 * Region's client gets its own strategy instance, because KMS request quotas are per account and
 * Region: throttling in one Region should not slow calls to another.
 *
 * <pre>{@code
 * CachingKmsClientSupplier clients = CachingKmsClientSupplier.builder()
 *     .retryMode(RetryMode.ADAPTIVE_V2)
 *     .maxAttempts(5)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the clients it made.
 */
public final class CachingKmsClientSupplier implements KmsClientSupplier, AutoCloseable {
  /**
   * Default cap on the clients one supplier holds; more than the AWS SDK lists Regions for all
   * partitions.
   */
  public static final int DEFAULT_MAX_CLIENTS = 64;

  private final AwsCredentialsProvider credentialsProvider;
  private final URI endpointOverride;
  private final RetryStrategy retryStrategy;
  private final RetryMode retryMode;
  private final Integer maxAttempts;
  private final BackoffStrategy backoffStrategy;
  private final BackoffStrategy throttlingBackoffStrategy;
  private final Consumer<KmsClientBuilder> customizer;
  private final RegionalClients<KmsClient> clients;

  private CachingKmsClientSupplier(Builder b) {
    this.credentialsProvider = b.credentialsProvider;
    this.endpointOverride = b.endpointOverride;
    this.retryStrategy = b.retryStrategy;
    this.retryMode = b.retryMode;
    this.maxAttempts = b.maxAttempts;
    this.backoffStrategy = b.backoffStrategy;
    this.throttlingBackoffStrategy = b.throttlingBackoffStrategy;
    this.customizer = b.customizer;
    this.clients =
        new RegionalClients<>(
            CachingKmsClientSupplier.class.getSimpleName(),
            b.allowedRegions,
            b.maxClients,
            this::create);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public KmsClient client(String region) {
    return clients.client(region);
  }

  private KmsClient create(String region) {
    KmsClientBuilder builder =
        KmsClient.builder()
            .region(Region.of(region))
            .overrideConfiguration(o -> o.retryStrategy(newRetryStrategy()));
    if (credentialsProvider != null) {
      builder.credentialsProvider(credentialsProvider);
    }
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
    }
    if (customizer != null) {
      customizer.accept(builder);
      // The SDK's overrideConfiguration(Consumer) replaces the whole override configuration, so a
      // customizer that only meant to set a timeout would silently drop the retry settings
      // configured here: put them back unless the customizer chose a retry strategy or policy
      // itself.
      ClientOverrideConfiguration after = builder.overrideConfiguration();
      if (after.retryStrategy().isEmpty()
          && after.retryPolicy().isEmpty()
          && after.retryMode().isEmpty()) {
        builder.overrideConfiguration(after.toBuilder().retryStrategy(newRetryStrategy()).build());
      }
    }
    return builder.build();
  }

  /**
   * A fresh strategy per client: token buckets and adaptive rate limiters must not be shared across
   * Regions.
   */
  RetryStrategy newRetryStrategy() {
    return retryStrategy(
        retryStrategy, retryMode, maxAttempts, backoffStrategy, throttlingBackoffStrategy);
  }

  /**
   * A new retry strategy from {@code base} (or the SDK's strategy for {@code mode}) with the given
   * settings on top; the throttling backoff defaults to {@code backoff}. Shared with {@link
   * CachingKmsAsyncClientSupplier}, so both clients retry alike.
   */
  static RetryStrategy retryStrategy(
      RetryStrategy base,
      RetryMode mode,
      Integer maxAttempts,
      BackoffStrategy backoff,
      BackoffStrategy throttlingBackoff) {
    RetryStrategy.Builder<?, ?> b =
        base != null ? base.toBuilder() : AwsRetryStrategy.forRetryMode(mode).toBuilder();
    if (maxAttempts != null) {
      b.maxAttempts(maxAttempts);
    }
    if (backoff != null) {
      b.backoffStrategy(backoff);
    }
    if (throttlingBackoff != null) {
      b.throttlingBackoffStrategy(throttlingBackoff);
    } else if (backoff != null) {
      b.throttlingBackoffStrategy(backoff);
    }
    return b.build();
  }

  /** Closes every client this supplier made; later calls to {@link #client} fail. */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "CachingKmsClientSupplier[regions="
        + clients.regions()
        + ", retry="
        + (retryStrategy != null ? "custom" : retryMode)
        + (maxAttempts != null ? ", maxAttempts=" + maxAttempts : "")
        + (endpointOverride != null ? ", endpoint=" + EndpointText.of(endpointOverride) : "")
        + "]";
  }

  /** Builds a {@link CachingKmsClientSupplier}. Every setting is optional. */
  public static final class Builder {
    private AwsCredentialsProvider credentialsProvider;
    private URI endpointOverride;
    private RetryStrategy retryStrategy;
    private RetryMode retryMode = RetryMode.STANDARD;
    private Integer maxAttempts;
    private BackoffStrategy backoffStrategy;
    private BackoffStrategy throttlingBackoffStrategy;
    private Consumer<KmsClientBuilder> customizer;
    private Set<String> allowedRegions;
    private int maxClients = DEFAULT_MAX_CLIENTS;

    private Builder() {}

    /**
     * The only Regions clients may be made for, instead of those the AWS SDK lists: to restrict an
     * application to its Regions, or to use a Region newer than the SDK on the class path.
     */
    public Builder allowedRegions(Collection<String> regions) {
      this.allowedRegions = RegionalClients.checkedRegions(regions);
      return this;
    }

    /** See {@link #allowedRegions(Collection)}. */
    public Builder allowedRegions(String... regions) {
      return allowedRegions(List.of(regions));
    }

    /** Most clients (Regions) the supplier holds; default {@value #DEFAULT_MAX_CLIENTS}. */
    public Builder maxClients(int maxClients) {
      this.maxClients = RegionalClients.checkedMaxClients(maxClients);
      return this;
    }

    /** Credentials for every client; by default the SDK's default credentials chain. */
    public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
      this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
      return this;
    }

    /**
     * Sends every Region's requests to this endpoint (a VPC endpoint, or the local KMS); the Region
     * still goes into the request signature.
     */
    public Builder endpointOverride(URI endpoint) {
      this.endpointOverride = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * {@link RetryMode#STANDARD} (default) or {@link RetryMode#ADAPTIVE_V2}, which also slows the
     * client down when KMS throttles, for callers that would rather wait than fail. Uses the SDK's
     * AWS retry conditions, which include {@code ThrottlingException}.
     */
    public Builder retryMode(RetryMode mode) {
      this.retryMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * A complete retry strategy, replacing {@link #retryMode}. Each client gets its own copy made
     * with {@code toBuilder().build()}; {@link #maxAttempts} and the backoff settings still apply
     * on top.
     */
    public Builder retryStrategy(RetryStrategy strategy) {
      this.retryStrategy = Objects.requireNonNull(strategy, "strategy");
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

    /**
     * Delay before each retry, for example {@code BackoffStrategy.exponentialDelay(base, max)};
     * also used for throttling errors unless {@link #throttlingBackoffStrategy} is set.
     */
    public Builder backoffStrategy(BackoffStrategy backoff) {
      this.backoffStrategy = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Delay before retrying a throttling error; the SDK default backs off longer than for other
     * errors.
     */
    public Builder throttlingBackoffStrategy(BackoffStrategy backoff) {
      this.throttlingBackoffStrategy = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Anything else (HTTP client, timeouts, metrics): applied to each client builder last. The
     * retry settings of this supplier are kept even if the customizer replaces the override
     * configuration (as the SDK's {@code overrideConfiguration(Consumer)} does), unless it sets a
     * retry strategy, policy or mode.
     */
    public Builder clientCustomizer(Consumer<KmsClientBuilder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    public CachingKmsClientSupplier build() {
      return new CachingKmsClientSupplier(this);
    }
  }
}
