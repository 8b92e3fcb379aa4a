package dev.envelope.aws.local;

import dev.envelope.aws.internal.json.JsonOutput;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One call to the local KMS, in the spirit of a CloudTrail record. Holds no plaintext, no key
 * material and no grant token values: grant tokens appear only as short SHA-256 fingerprints.
 *
 * @param time when the request arrived
 * @param requestId the {@code x-amzn-RequestId} the response carried
 * @param region the Region the request was signed for
 * @param callerArn the calling principal, or null if the caller was not recognized
 * @param accessKeyId the access key id the request was signed with, or null
 * @param operation KMS operation name, e.g. {@code Decrypt}
 * @param keyArn the key the request acted on (the destination key for ReEncrypt), or null
 * @param sourceKeyArn for ReEncrypt, the key that decrypted the source ciphertext; otherwise null
 * @param encryptionContext the encryption context of the request (for ReEncrypt, the destination's)
 * @param grantTokens fingerprints of the grant tokens presented
 * @param decision {@code ALLOW}, {@code EXPLICIT_DENY} or {@code IMPLICIT_DENY}; null when the
 *     request ended before authorization (e.g. unknown key, throttled)
 * @param decidedBy the statement or grant that decided, as the evaluator reports it
 * @param errorCode the error {@code __type} answered, or null on success
 * @param errorMessage the error message answered, or null
 */
public record AuditEvent(
    Instant time,
    String requestId,
    String region,
    String callerArn,
    String accessKeyId,
    String operation,
    String keyArn,
    String sourceKeyArn,
    Map<String, String> encryptionContext,
    List<String> grantTokens,
    String decision,
    String decidedBy,
    String errorCode,
    String errorMessage) {

  public AuditEvent {
    encryptionContext = encryptionContext == null ? Map.of() : Map.copyOf(encryptionContext);
    grantTokens = grantTokens == null ? List.of() : List.copyOf(grantTokens);
  }

  /** True when the request succeeded. */
  public boolean succeeded() {
    return errorCode == null;
  }

  /** This event as one line of JSON. */
  public String toJson() {
    JsonOutput j =
        JsonOutput.compact()
            .beginObject()
            .field("eventTime", time.toString())
            .field("requestId", requestId)
            .field("awsRegion", region)
            .field("userArn", callerArn)
            .field("accessKeyId", accessKeyId)
            .field("eventName", operation)
            .field("keyArn", keyArn)
            .field("sourceKeyArn", sourceKeyArn);
    j.name("encryptionContext").stringMap(new java.util.TreeMap<>(encryptionContext));
    j.name("grantTokens").stringList(grantTokens);
    return j.field("decision", decision)
        .field("decidedBy", decidedBy)
        .field("errorCode", errorCode)
        .field("errorMessage", errorMessage)
        .endObject()
        .toString();
  }
}
