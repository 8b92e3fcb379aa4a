package dev.envelope.aws.local;

import dev.envelope.aws.policy.AccessDecision;
import dev.envelope.aws.policy.CallerIdentity;
import dev.envelope.aws.policy.CallerPolicies;
import dev.envelope.aws.policy.PolicyDocument;
import java.util.List;
import java.util.Map;

/**
 * One authenticated request on its way through the operations: who calls, in which Region, and the
 * facts the audit log records as the operation learns them.
 */
final class Call {
  final CallerIdentity caller;
  final String accessKeyId;
  final String region;
  final String viaService;
  final List<PolicyDocument> iamPolicies;

  /** The identity policies, permissions boundary and session policies of the caller. */
  final CallerPolicies policies;

  /** The address the request came from (aws:SourceIp), or null if unknown. */
  final String sourceIp;

  String keyArn;
  String sourceKeyArn;
  Map<String, String> encryptionContext = Map.of();
  List<String> grantTokenFingerprints = List.of();
  String decision;
  String decidedBy;

  Call(
      CallerIdentity caller,
      String accessKeyId,
      String region,
      String viaService,
      CallerPolicies policies,
      String sourceIp) {
    this.caller = caller;
    this.accessKeyId = accessKeyId;
    this.region = region;
    this.viaService = viaService;
    this.policies = policies;
    this.iamPolicies = policies.identityPolicies();
    this.sourceIp = sourceIp;
  }

  void decided(AccessDecision d) {
    decision = d.effect().name();
    decidedBy = d.decidedBy();
  }

  void decided(boolean allowed, String by) {
    decision = allowed ? "ALLOW" : "IMPLICIT_DENY";
    decidedBy = by;
  }
}
