package dev.envelope.samples.cli;

import dev.envelope.aws.BranchKeyDescription;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code envelope branch-key create|rotate|describe}: manage the branch keys of the hierarchical
 * keyring in a JDBC or DynamoDB branch key store.
 */
@Command(
    name = "branch-key",
    mixinStandardHelpOptions = true,
    description = "Create, rotate (version) and describe branch keys of the hierarchical keyring.",
    subcommands = {
      BranchKeyCommand.Create.class,
      BranchKeyCommand.Rotate.class,
      BranchKeyCommand.Describe.class
    })
public final class BranchKeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing subcommand: create, rotate or describe");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a branch key (3 KMS calls).")
  static final class Create implements Callable<Integer> {
    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "Branch key id (default: a random UUID).")
    String id;

    @Option(
        names = {"-c", "--context"},
        paramLabel = "KEY=VALUE",
        description =
            "Custom encryption context bound"
                + " to every version of the branch key; repeat for more.")
    Map<String, String> context = new LinkedHashMap<>();

    @Mixin BranchKeyStoreOptions store = new BranchKeyStoreOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (BranchKeyStoreOptions.Session s = store.open()) {
        String created =
            s.store().createBranchKey(id != null ? id : UUID.randomUUID().toString(), context);
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            "created branch key "
                + created
                + ", active version "
                + s.store().describeBranchKey(created).activeVersion());
        out.println("store: " + s.store().description());
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Make a new active version; older versions stay readable (3 KMS calls).")
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "Branch key id.")
    String id;

    @Mixin BranchKeyStoreOptions store = new BranchKeyStoreOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (BranchKeyStoreOptions.Session s = store.open()) {
        String version = s.store().versionBranchKey(id);
        PrintWriter out = spec.commandLine().getOut();
        out.println("rotated branch key " + id + ": new active version " + version);
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Show a branch key's versions and KMS key (no KMS call).")
  static final class Describe implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "Branch key id.")
    String id;

    @Mixin BranchKeyStoreOptions store = new BranchKeyStoreOptions();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (BranchKeyStoreOptions.Session s = store.open()) {
        BranchKeyDescription d = s.store().describeBranchKey(id);
        PrintWriter out = spec.commandLine().getOut();
        out.println("branch key " + d.branchKeyId());
        out.println("  store:      " + s.store().description());
        out.println("  KMS key:    " + d.kmsKeyArn());
        out.println("  context:    " + d.encryptionContext());
        out.println("  versions:   " + d.versions().size() + " (oldest first)");
        for (BranchKeyDescription.Version v : d.versions()) {
          out.println(
              "    "
                  + v.version()
                  + "  created "
                  + v.createTime()
                  + (v.version().equals(d.activeVersion()) ? "  ACTIVE" : ""));
        }
        out.flush();
        return 0;
      }
    }
  }

  /** For tests: the command line of this command alone. */
  static CommandLine commandLine() {
    return new CommandLine(new BranchKeyCommand());
  }
}
