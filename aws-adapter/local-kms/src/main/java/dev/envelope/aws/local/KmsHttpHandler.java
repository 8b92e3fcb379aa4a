package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.CallerPolicies;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The KMS JSON 1.1 protocol over HTTP: {@code POST /} with {@code X-Amz-Target:
 * TrentService.<Operation>}, caller from the SigV4 header, answers as JSON with an {@code
 * x-amzn-RequestId}, errors as {@code {"__type": ..., "message": ...}}. Every request, answered or
 * refused, leaves one audit event.
 */
final class KmsHttpHandler implements LoopbackHttpServer.Handler {
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "TrentService.";

  /** A configured caller with its identity policies parsed once. */
  record Principal(PrincipalConfig config, CallerIdentity identity, CallerPolicies policies) {}

  private final Map<String, Principal> principals;
  private final OperationTable operations;
  private final AuditLog audit;
  private final Clock clock;
  private final boolean verifySignatures;
  private volatile Duration latency;

  KmsHttpHandler(
      Map<String, Principal> principals,
      OperationTable operations,
      AuditLog audit,
      Clock clock,
      boolean verifySignatures,
      Duration latency) {
    this.principals = principals;
    this.operations = operations;
    this.audit = audit;
    this.clock = clock;
    this.verifySignatures = verifySignatures;
    this.latency = latency;
  }

  void setLatency(Duration latency) {
    this.latency = latency;
  }

  @Override
  public HttpResponse answer(HttpRequest http) {
    String requestId = UUID.randomUUID().toString();
    Instant time = clock.instant();
    String operation = null;
    Call call = null;
    String region = null;
    String accessKeyId = null;
    int status = 200;
    String body;
    String errorCode = null;
    String errorMessage = null;
    try {
      pause();
      byte[] request = http.body();
      operation = operation(http.headers());
      // Routing comes before authentication, as at the service's front door.
      if (!"POST".equals(http.method())
          || operation == null
          || !OperationTable.implemented(operation)) {
        throw new KmsException(
            "UnknownOperationException",
            operation == null ? null : "The local KMS does not implement " + operation);
      }
      SigV4.Credential credential = SigV4.parse(http.header("Authorization"));
      accessKeyId = credential.accessKeyId();
      region = credential.region();
      Principal principal = principals.get(accessKeyId);
      if (principal == null) {
        throw new KmsException(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.");
      }
      if (verifySignatures
          && principal.config().secretAccessKey() != null
          && !SigV4.verify(
              credential,
              principal.config().secretAccessKey(),
              http.method(),
              http.rawPath(),
              http.rawQuery(),
              http.headers(),
              request)) {
        throw new KmsException(
            "InvalidSignatureException",
            "The request signature we "
                + "calculated does not match the signature you provided. Check your AWS Secret "
                + "Access Key and signing method.");
      }
      call =
          new Call(
              principal.identity(),
              accessKeyId,
              region,
              principal.config().viaService(),
              principal.policies(),
              sourceIp(http.remote()));
      body = operations.invoke(operation, call, KmsRequest.parse(request));
    } catch (KmsException e) {
      status = e.httpStatus();
      errorCode = e.errorType();
      errorMessage = e.getMessage();
      body = errorBody(e.errorType(), e.getMessage());
    } catch (RuntimeException e) {
      // A bug in the local KMS: answer like the service does for its own failures, without echoing
      // internals that might include request data.
      status = 500;
      errorCode = "KMSInternalException";
      errorMessage = "Internal error in the local KMS: " + e.getClass().getSimpleName();
      body = errorBody(errorCode, errorMessage);
    }
    audit.record(
        new AuditEvent(
            time,
            requestId,
            region,
            call == null ? null : call.caller.arn(),
            accessKeyId,
            operation,
            call == null ? null : call.keyArn,
            call == null ? null : call.sourceKeyArn,
            call == null ? Map.of() : call.encryptionContext,
            call == null ? List.of() : call.grantTokenFingerprints,
            call == null ? null : call.decision,
            call == null ? null : call.decidedBy,
            errorCode,
            errorMessage));
    return response(status, requestId, errorCode, body);
  }

  /**
   * A request the server refused before it could reach an operation (too large, too slow,
   * malformed). It is answered and audited like any other refusal, with whatever the headers that
   * had arrived say about the operation and the caller; nobody was authenticated.
   */
  @Override
  public HttpResponse refuse(
      KmsException error, Map<String, List<String>> headers, InetSocketAddress remote) {
    String requestId = UUID.randomUUID().toString();
    String accessKeyId = null;
    String region = null;
    List<String> authorization = headers.get("authorization");
    if (authorization != null && authorization.size() == 1) {
      try {
        SigV4.Credential credential = SigV4.parse(authorization.get(0));
        accessKeyId = credential.accessKeyId();
        region = credential.region();
      } catch (KmsException e) {
        // unsigned or garbled: the event names no caller
      }
    }
    audit.record(
        new AuditEvent(
            clock.instant(),
            requestId,
            region,
            null,
            accessKeyId,
            operation(headers),
            null,
            null,
            Map.of(),
            List.of(),
            null,
            null,
            error.errorType(),
            error.getMessage()));
    return response(
        error.httpStatus(),
        requestId,
        error.errorType(),
        errorBody(error.errorType(), error.getMessage()));
  }

  private static HttpResponse response(
      int status, String requestId, String errorCode, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("x-amzn-RequestId", requestId);
    if (errorCode != null) {
      headers.put("x-amzn-ErrorType", errorCode);
    }
    return new HttpResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The operation an {@code X-Amz-Target} header names, or null. */
  private static String operation(Map<String, List<String>> headers) {
    List<String> targets = headers.get("x-amz-target");
    String target = targets == null || targets.isEmpty() ? null : targets.get(0);
    return target != null && target.startsWith(TARGET_PREFIX)
        ? target.substring(TARGET_PREFIX.length())
        : null;
  }

  private void pause() {
    Duration d = latency;
    if (!d.isZero()) {
      try {
        Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String errorBody(String type, String message) {
    JsonOutput j = JsonOutput.compact().beginObject().field("__type", type);
    if (message != null) {
      j.field("message", message);
    }
    return j.endObject().toString();
  }

  /** The peer's address for aws:SourceIp, without the IPv6 scope KMS would never report. */
  private static String sourceIp(InetSocketAddress remote) {
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    String ip = remote.getAddress().getHostAddress();
    int scope = ip.indexOf('%');
    return scope < 0 ? ip : ip.substring(0, scope);
  }
}
