package dev.envelope.benchmarks;

/**
 * Entry point of {@code benchmarks.jar}: hands the arguments to JMH. With no arguments it runs every
 * benchmark with the settings in their annotations.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(args);
  }
}
