package dev.envelope.samples.cli;

import dev.envelope.aws.policy.doctor.AccessDoctor;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.doctor.AccessQuestion;
import dev.envelope.aws.policy.doctor.Diagnosis;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code envelope why --config FILE --caller ARN --key ARN --operation Decrypt [--context k=v ...]
 * [--grant-token T] [--via-service S]}: explains whether KMS would allow a request, from a local
 * description of key policies, IAM policies and grants. Exit 0 allowed, 1 denied, 2 bad usage.
 */
@Command(
    name = "why",
    mixinStandardHelpOptions = true,
    description = {
      "Explains a KMS authorization decision: which statement or grant allowed or denied the"
          + " request, or which side of a cross-account path is missing.",
      "--config is an environment file (keys with policies, principals with IAM policies,"
          + " grants); a local KMS configuration file works as-is.",
      "Exit status: 0 allowed, 1 denied, 2 bad usage or unreadable/invalid configuration."
    })
public final class WhyCommand implements Callable<Integer> {
  static final int ALLOWED = 0;
  static final int DENIED = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Environment file (JSON).")
  Path config;

  @Option(
      names = "--caller",
      required = true,
      paramLabel = "ARN",
      description = "The calling principal, e.g. arn:aws:iam::111122223333:role/App.")
  String caller;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "ARN",
      description = "The key ARN, or an alias ARN.")
  String key;

  @Option(
      names = "--operation",
      required = true,
      paramLabel = "OPERATION",
      description = "The KMS operation, e.g. Decrypt, GenerateDataKey, CreateGrant.")
  String operation;

  @Option(
      names = "--context",
      paramLabel = "KEY=VALUE",
      description = "An encryption-context entry; repeatable.")
  Map<String, String> context = new LinkedHashMap<>();

  @Option(
      names = "--grant-token",
      paramLabel = "TOKEN",
      description = "A grant token presented with the request; repeatable.")
  List<String> grantTokens = new ArrayList<>();

  @Option(
      names = "--via-service",
      paramLabel = "SERVICE",
      description = "The AWS service calling for the caller, e.g. s3.us-east-1.amazonaws.com.")
  String viaService;

  @Option(
      names = "--grant-operation",
      paramLabel = "OPERATION",
      description = "For CreateGrant: an operation the new grant would allow; repeatable.")
  List<String> grantOperations = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Diagnosis d;
    try {
      String text = LintPolicyCommand.read(config, "config");
      AccessEnvironment env = AccessEnvironment.fromJson(text);
      AccessQuestion.Builder q =
          AccessQuestion.builder()
              .caller(caller)
              .key(key)
              .operation(operation)
              .encryptionContext(context);
      grantTokens.forEach(q::grantToken);
      if (viaService != null) {
        q.viaService(viaService);
      }
      Set<String> ops = new LinkedHashSet<>(grantOperations);
      q.grantOperations(ops);
      d = AccessDoctor.diagnose(env, q.build());
    } catch (LintPolicyCommand.InputException | IllegalArgumentException e) {
      err.println("why: " + e.getMessage());
      return USAGE;
    }
    out.print(d.render());
    out.flush();
    return d.allowed() ? ALLOWED : DENIED;
  }
}
