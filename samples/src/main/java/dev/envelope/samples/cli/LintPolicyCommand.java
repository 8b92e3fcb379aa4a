package dev.envelope.samples.cli;

import dev.envelope.aws.policy.Grant;
import dev.envelope.aws.policy.PolicyException;
import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.lint.KeyPolicyLinter;
import dev.envelope.aws.policy.lint.LintReport;
import dev.envelope.aws.policy.lint.ReportFormat;
import dev.envelope.aws.policy.lint.Severity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code envelope lint-policy FILE [--iam FILE ...] [--grants FILE] [--format text|json|sarif]
 * [--fail-on SEVERITY]}: lints a KMS key policy. Exit 0 when no finding is at or above the
 * threshold, 1 when some is, 2 for bad usage or input that cannot be read or is not JSON.
 */
@Command(
    name = "lint-policy",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a KMS key policy (and optionally the callers' IAM policies and the key's grants)"
          + " for lockouts, over-broad principals and actions, cross-account delegation and"
          + " condition mistakes.",
      "Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,"
          + " 2 bad usage or unreadable/malformed input."
    })
public final class LintPolicyCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int FINDINGS = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The key policy (JSON).")
  Path keyPolicy;

  @Option(
      names = "--iam",
      paramLabel = "FILE",
      description = "An IAM identity policy of a caller of the key; repeatable.")
  List<Path> iamPolicies = new ArrayList<>();

  @Option(
      names = "--grants",
      paramLabel = "FILE",
      description = "The key's grants: a JSON array, or 'aws kms list-grants' output.")
  Path grants;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, json or sarif (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      defaultValue = "medium",
      description =
          "Exit 1 if a finding is at least this severe: info, low, medium, high or"
              + " critical (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Option(
      names = "--key-account",
      paramLabel = "ACCOUNT",
      description = "The 12-digit account owning the key; inferred from the policy if absent.")
  String keyAccount;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ReportFormat reportFormat;
    Severity threshold;
    try {
      reportFormat = ReportFormat.parse(format);
      threshold = Severity.parse(failOn);
    } catch (IllegalArgumentException e) {
      err.println("lint-policy: " + e.getMessage());
      return USAGE;
    }
    LintReport report;
    try {
      KeyPolicyLinter.Builder b =
          KeyPolicyLinter.builder()
              .keyPolicy(keyPolicy.toString(), read(keyPolicy, "key policy"))
              .keyAccount(keyAccount);
      for (Path iam : iamPolicies) {
        b.iamPolicy(iam.toString(), read(iam, "IAM policy"));
      }
      if (grants != null) {
        List<Grant> parsed = AccessEnvironment.parseGrants(read(grants, "grants file"));
        b.grants(grants.toString(), parsed);
      }
      report = b.build().lint();
    } catch (InputException e) {
      err.println("lint-policy: " + e.getMessage());
      return USAGE;
    } catch (PolicyException e) {
      err.println("lint-policy: " + e.getMessage());
      err.println(
          "Fix the JSON syntax first (a policy is one JSON object with a Statement"
              + " array); then the linter reports the policy's problems.");
      return USAGE;
    } catch (IllegalArgumentException e) {
      err.println("lint-policy: " + e.getMessage());
      return USAGE;
    }
    out.print(report.render(reportFormat));
    out.flush();
    return report.failsAt(threshold) ? FINDINGS : OK;
  }

  static String read(Path file, String what) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InputException("cannot read " + what + " " + file + ": no such file");
    } catch (MalformedInputException e) {
      throw new InputException(what + " " + file + " is not UTF-8 text; save it as UTF-8 JSON");
    } catch (IOException e) {
      throw new InputException("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  /** Input the user must fix before anything can be checked; reported with exit 2. */
  static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
      super(message);
    }
  }
}
