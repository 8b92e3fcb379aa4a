package dev.envelope.samples.cli;

import dev.envelope.benchmarks.BenchmarkMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code envelope bench}: the benchmark suite's short profile (a few minutes, not a full JMH run). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Run the short benchmark profile (record encryption and streams, Envelope next to the official",
        "AWS Encryption SDK and raw AES-GCM). Extra arguments go to the benchmark runner."})
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ARG", description = "Extra arguments for the benchmark runner.")
  List<String> extra = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(List.of("--profile", "short"));
    args.addAll(extra);
    BenchmarkMain.main(args.toArray(String[]::new));
    return 0;
  }
}
