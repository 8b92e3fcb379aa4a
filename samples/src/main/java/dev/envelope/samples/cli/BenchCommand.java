package dev.envelope.samples.cli;

import dev.envelope.benchmarks.BenchmarkMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code envelope bench}: the benchmark suite's short profile (a few minutes, not a full JMH run).
 */
@Command(
    name = "bench",
    description = {
      "Run the short benchmark profile; writes JSON, Markdown and SVG results.",
      "Record encryption and streams next to the official AWS Encryption SDK and raw AES-GCM, then the KMS-quota"
          + " sweep.",
      "Every argument goes to the benchmark runner: `envelope bench --help` shows its options."
    })
final class BenchCommand implements Callable<Integer> {
  // Unmatched, not @Parameters: the runner's own options (--no-kms, -f 2, ...) must reach it
  // untouched.
  @Unmatched List<String> extra = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(List.of("--profile", "short"));
    args.addAll(extra);
    // run() returns the runner's status (0 done, 1 a benchmark failed, 2 bad arguments) instead of
    // exiting.
    return BenchmarkMain.run(args.toArray(String[]::new));
  }
}
