package dev.envelope.aws.local;

import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.CallerPolicies;
import dev.envelope.aws.policy.PolicyDocument;
import dev.envelope.aws.policy.PolicyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A local KMS: an in-process engine behind an HTTP server on 127.0.0.1 that speaks the KMS JSON 1.1
 * protocol, so the real {@link KmsClient} works against it through {@code endpointOverride}. It
 * evaluates key policies, IAM policies and grants, enforces key states, grant tokens, encryption
 * context binding and an optional request quota, and records every call in an {@link AuditLog}.
 *
 * <pre>{@code
 * try (LocalKms kms = LocalKms.start()) {                     // LocalKmsConfig.defaults()
 *   KmsClient client = kms.kmsClientFor(LocalKmsConfig.APP_ACCESS_KEY_ID);
 *   client.generateDataKey(b -> b.keyId(LocalKmsConfig.DEFAULT_ALIAS).keySpec("AES_256"));
 * }
 * }</pre>
 *
 * <p>One server serves every Region: the Region a request is signed for selects the keys it sees,
 * as a regional endpoint would. Key material lives in memory only and does not survive {@link
 * #close()}. Not a security boundary: it binds to loopback and is meant for development and tests.
 *
 * <p>The server stays up under slow or broken clients: a request has 10 s to arrive and 30 s to be
 * answered (408 RequestTimeoutException, 503 ServiceUnavailable after that), bodies over 1 MiB are
 * refused with 413 RequestEntityTooLargeException, malformed HTTP with 400
 * MalformedHttpRequestException, and a client that sends or reads slowly holds a connection, never
 * one of the threads that serve everyone else.
 */
public final class LocalKms implements AutoCloseable {
  private final LocalKmsConfig config;
  private final LoopbackHttpServer server;
  private final OperationTable operations;
  private final KmsHttpHandler handler;
  private final RequestQuota quota;
  private final AuditLog auditLog;
  private final KeyStore store;
  private final Map<String, KmsHttpHandler.Principal> principals;
  private final List<KmsClient> clients = new ArrayList<>();

  private LocalKms(LocalKmsConfig config, int port, Clock clock, ServerLimits limits)
      throws IOException {
    this.config = config;
    SecureRandom random = new SecureRandom();
    this.store = new KeyStore();
    this.quota = new RequestQuota(config.requestsPerSecond());
    this.operations =
        new OperationTable(
            store,
            new GrantTokens(random),
            quota,
            random,
            clock,
            config.grantPropagationDelay(),
            config.organization().orElse(null));
    this.principals = principals(config);
    loadKeys(config, clock, random);
    this.auditLog = new AuditLog(config.auditFile().orElse(null));
    this.handler =
        new KmsHttpHandler(
            principals, operations, auditLog, clock, config.verifySignatures(), config.latency());
    try {
      this.server = LoopbackHttpServer.start(port, limits, handler);
    } catch (IOException e) {
      auditLog.close();
      throw e;
    }
  }

  /** Starts a local KMS with {@link LocalKmsConfig#defaults()} on an ephemeral port. */
  public static LocalKms start() {
    return builder().start();
  }

  public static LocalKms start(LocalKmsConfig config) {
    return builder().config(config).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The base URI to pass to {@code KmsClient.builder().endpointOverride(...)}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** The default Region of this local KMS. */
  public Region region() {
    return Region.of(config.region());
  }

  public LocalKmsConfig config() {
    return config;
  }

  public AuditLog auditLog() {
    return auditLog;
  }

  /**
   * A real {@link KmsClient} for the principal with this access key id, in the default Region. The
   * client is closed with this local KMS.
   */
  public KmsClient kmsClientFor(String accessKeyId) {
    return kmsClientFor(accessKeyId, config.region());
  }

  /** As {@link #kmsClientFor(String)}, signing for {@code region} (which selects the keys seen). */
  public KmsClient kmsClientFor(String accessKeyId, String region) {
    KmsClient client = clientBuilderFor(accessKeyId, region).build();
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /**
   * A client builder preset with endpoint, Region and the principal's credentials, for callers that
   * want to change more (retry policy, HTTP client). The caller owns the built client.
   */
  public software.amazon.awssdk.services.kms.KmsClientBuilder clientBuilderFor(
      String accessKeyId, String region) {
    KmsHttpHandler.Principal p = principals.get(accessKeyId);
    if (p == null) {
      throw new IllegalArgumentException("No principal with access key id " + accessKeyId);
    }
    String secret =
        p.config().secretAccessKey() != null
            ? p.config().secretAccessKey()
            : "local-kms-unverified-secret";
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)));
  }

  /** The ARN of a key id in the default Region of the configured account of that key. */
  public String keyArn(String accountId, String keyId) {
    return KmsKey.arn(config.region(), accountId, keyId);
  }

  /** For tests: how long new grants stay invisible without their token. */
  public void setGrantPropagationDelay(Duration delay) {
    operations.setGrantPropagationDelay(delay);
  }

  /** For tests and benchmarks: the cryptographic request quota per account and Region; 0 is off. */
  public void setRequestsPerSecond(double requestsPerSecond) {
    quota.setRequestsPerSecond(requestsPerSecond);
  }

  /** For tests and benchmarks: latency added to every request. */
  public void setLatency(Duration latency) {
    handler.setLatency(Objects.requireNonNull(latency));
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KmsClient::close);
      clients.clear();
    }
    server.close();
    auditLog.close();
  }

  private static Map<String, KmsHttpHandler.Principal> principals(LocalKmsConfig config) {
    Map<String, KmsHttpHandler.Principal> out = new HashMap<>();
    for (PrincipalConfig p : config.principals()) {
      List<PolicyDocument> policies = new ArrayList<>();
      int i = 0;
      for (String json : p.iamPolicies()) {
        try {
          policies.add(
              PolicyDocument.parseIdentityPolicy(json)
                  .withName(p.arn() + " identity policy #" + (++i)));
        } catch (PolicyException e) {
          throw new IllegalArgumentException(
              "Identity policy #" + i + " of " + p.arn() + " is invalid: " + e.getMessage(), e);
        }
      }
      CallerPolicies.Builder caller = CallerPolicies.builder().identityPolicies(policies);
      if (p.permissionsBoundary() != null) {
        caller.permissionsBoundary(
            parseIdentity(p.permissionsBoundary(), "Permissions boundary of " + p.arn())
                .withName(p.arn() + " permissions boundary"));
      }
      int s = 0;
      for (String json : p.sessionPolicies()) {
        s++;
        caller.sessionPolicy(
            parseIdentity(json, "Session policy #" + s + " of " + p.arn())
                .withName(p.arn() + " session policy #" + s));
      }
      out.put(
          p.accessKeyId(),
          new KmsHttpHandler.Principal(p, CallerIdentity.of(p.arn()), caller.build()));
    }
    return Map.copyOf(out);
  }

  private static PolicyDocument parseIdentity(String json, String what) {
    try {
      return PolicyDocument.parseIdentityPolicy(json);
    } catch (PolicyException e) {
      throw new IllegalArgumentException(what + " is invalid: " + e.getMessage(), e);
    }
  }

  private void loadKeys(LocalKmsConfig config, Clock clock, SecureRandom random) {
    for (KeyConfig k : config.keys()) {
      String region = k.region() == null ? config.region() : k.region();
      String json =
          k.policy() == null ? PolicyDocument.defaultKeyPolicyJson(k.accountId()) : k.policy();
      PolicyDocument policy;
      try {
        policy = PolicyDocument.parseKeyPolicy(json);
      } catch (PolicyException e) {
        throw new IllegalArgumentException(
            "Key policy of " + k.keyId() + " is invalid: " + e.getMessage(), e);
      }
      if (store.find(region, k.accountId(), k.keyId()) != null) {
        throw new IllegalArgumentException("Duplicate key " + k.keyId() + " in " + region);
      }
      KeyMaterial material;
      if (k.hasKeyMaterial()) {
        byte[] configured = k.keyMaterial();
        try {
          material = KeyMaterial.of(configured);
        } finally {
          java.util.Arrays.fill(configured, (byte) 0);
        }
      } else {
        material = KeyMaterial.generate(random);
      }
      KmsKey.MultiRegionGroup group = k.multiRegion() ? new KmsKey.MultiRegionGroup(region) : null;
      KeyState state =
          switch (k.state()) {
            case ENABLED -> KeyState.ENABLED;
            case DISABLED -> KeyState.DISABLED;
            case PENDING_DELETION -> KeyState.PENDING_DELETION;
          };
      List<String> regions = new ArrayList<>();
      regions.add(region);
      regions.addAll(k.replicaRegions());
      for (String r : regions) {
        KmsKey key =
            new KmsKey(
                k.keyId(),
                k.accountId(),
                r,
                clock.instant(),
                material,
                group,
                policy,
                k.description(),
                state);
        if (state == KeyState.PENDING_DELETION) {
          key.deletionDate = clock.instant().plus(30, ChronoUnit.DAYS);
          key.pendingWindowInDays = 30;
        }
        if (group != null) {
          group.regions.add(r);
        }
        store.put(key);
        for (String alias : k.aliases()) {
          if (!alias.startsWith("alias/")) {
            throw new IllegalArgumentException("Alias must start with alias/: " + alias);
          }
          store.putAlias(new KmsAlias(alias, k.accountId(), r, k.keyId(), clock.instant()));
        }
      }
    }
  }

  /**
   * Configures and starts a {@link LocalKms}. Starts from {@link LocalKmsConfig#defaults()}; {@link
   * #config} replaces the whole configuration, the other methods add to or change it.
   */
  public static final class Builder {
    private LocalKmsConfig.Builder config = LocalKmsConfig.defaults().toBuilder();
    private Integer port;
    private Clock clock = Clock.systemUTC();
    private ServerLimits limits = ServerLimits.defaults();

    private Builder() {}

    /** Replaces the configuration (including the defaults) with this one. */
    public Builder config(LocalKmsConfig config) {
      this.config = config.toBuilder();
      return this;
    }

    /** Overrides the config's port; 0 picks an ephemeral port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The default Region. */
    public Builder region(String region) {
      config.region(region);
      return this;
    }

    public Builder principal(PrincipalConfig principal) {
      config.principal(principal);
      return this;
    }

    public Builder key(KeyConfig key) {
      config.key(key);
      return this;
    }

    /** Quota of the cryptographic operations per account and Region; 0 is off. */
    public Builder requestsPerSecond(double requestsPerSecond) {
      config.requestsPerSecond(requestsPerSecond);
      return this;
    }

    public Builder latency(Duration latency) {
      config.latency(latency);
      return this;
    }

    public Builder grantPropagationDelay(Duration delay) {
      config.grantPropagationDelay(delay);
      return this;
    }

    public Builder verifySignatures(boolean verify) {
      config.verifySignatures(verify);
      return this;
    }

    public Builder auditFile(Path file) {
      config.auditFile(file);
      return this;
    }

    /** The clock for grant visibility, creation and deletion dates (tests may control time). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** For tests: the HTTP server's timeouts and size limits. */
    Builder serverLimits(ServerLimits limits) {
      this.limits = Objects.requireNonNull(limits);
      return this;
    }

    public LocalKms start() {
      LocalKmsConfig built = config.build();
      try {
        return new LocalKms(built, port != null ? port : built.port(), clock, limits);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the local KMS", e);
      }
    }
  }
}
