package dev.envelope.aws.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.envelope.aws.internal.json.JsonOutput;
import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.PolicyDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The KMS JSON 1.1 protocol over HTTP: {@code POST /} with {@code X-Amz-Target:
 * TrentService.<Operation>}, caller from the SigV4 header, answers as JSON with an {@code
 * x-amzn-RequestId}, errors as {@code {"__type": ..., "message": ...}}. Every request, answered or
 * refused, leaves one audit event.
 */
final class KmsHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "TrentService.";
  private static final int MAX_BODY_BYTES = 1 << 20;

  /** A configured caller with its identity policies parsed once. */
  record Principal(
      PrincipalConfig config, CallerIdentity identity, List<PolicyDocument> policies) {}

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
  public void handle(HttpExchange exchange) throws IOException {
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
      byte[] request = readBody(exchange.getRequestBody());
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      operation =
          target != null && target.startsWith(TARGET_PREFIX)
              ? target.substring(TARGET_PREFIX.length())
              : null;
      // Routing comes before authentication, as at the service's front door.
      if (!"POST".equals(exchange.getRequestMethod())
          || operation == null
          || !OperationTable.implemented(operation)) {
        throw new KmsException(
            "UnknownOperationException",
            operation == null ? null : "The local KMS does not implement " + operation);
      }
      SigV4.Credential credential =
          SigV4.parse(exchange.getRequestHeaders().getFirst("Authorization"));
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
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              lowerCaseHeaders(exchange),
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
              sourceIp(exchange));
      body = operations.invoke(operation, call, KmsRequest.parse(request));
    } catch (KmsException e) {
      status = e.httpStatus();
      errorCode = e.errorType();
      errorMessage = e.getMessage();
      body = errorBody(e.errorType(), e.getMessage());
    } catch (RuntimeException e) {
      // A bug in the local KMS: answer like the service does for its own failures, without
      // echoing internals that might include request data.
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
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    if (errorCode != null) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", errorCode);
    }
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
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

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
    if (b.length > MAX_BODY_BYTES) {
      throw KmsException.validation("Request body too large");
    }
    return b;
  }

  private static Map<String, List<String>> lowerCaseHeaders(HttpExchange exchange) {
    Map<String, List<String>> out = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  /** The peer's address for aws:SourceIp, without the IPv6 scope KMS would never report. */
  private static String sourceIp(HttpExchange exchange) {
    var remote = exchange.getRemoteAddress();
    if (remote == null || remote.getAddress() == null) {
      return null;
    }
    String ip = remote.getAddress().getHostAddress();
    int scope = ip.indexOf('%');
    return scope < 0 ? ip : ip.substring(0, scope);
  }
}
