package dev.envelope.samples.cli;

import dev.envelope.aws.policy.doctor.AccessEnvironment;
import dev.envelope.aws.policy.doctor.AccessReport;
import dev.envelope.aws.policy.lint.ReportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code envelope access-report --config FILE --key ARN [--format text|json|sarif]}: for every
 * principal the configuration knows and for "anyone", the operations it may call on the key and
 * under which conditions, with access from outside the account or organization flagged. Exit 0 when
 * nobody outside has access, 1 when someone has, 2 bad usage.
 */
@Command(
    name = "access-report",
    mixinStandardHelpOptions = true,
    description = {
      "Lists who may do what with a key: every principal the configuration knows and anyone,"
          + " the operations each may call, unconditionally or under conditions, and flags access"
          + " from outside the key's account or organization (as IAM Access Analyzer does).",
      "--config is an environment file (keys, principals, grants, organization); a local KMS"
          + " configuration file works as-is.",
      "Exit status: 0 no external access, 1 external access found, 2 bad usage."
    })
public final class AccessReportCommand implements Callable<Integer> {
  static final int NO_EXTERNAL_ACCESS = 0;
  static final int EXTERNAL_ACCESS = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Environment file (JSON).")
  Path config;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "ARN",
      description = "The key ARN (or an alias ARN).")
  String key;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default), json or sarif.")
  String format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AccessReport report;
    ReportFormat f;
    try {
      f = ReportFormat.parse(format);
      String text;
      try {
        text = Files.readString(config);
      } catch (IOException e) {
        err.println("access-report: cannot read config " + config + ": " + e.getMessage());
        return USAGE;
      }
      report = AccessReport.of(AccessEnvironment.fromJson(text), key);
    } catch (IllegalArgumentException e) {
      err.println("access-report: " + e.getMessage());
      return USAGE;
    }
    Path name = config.getFileName();
    out.print(report.render(f, name == null ? config.toString() : name.toString()));
    if (f != ReportFormat.TEXT) {
      out.println();
    }
    out.flush();
    return report.externalAccess().isEmpty() ? NO_EXTERNAL_ACCESS : EXTERNAL_ACCESS;
  }
}
