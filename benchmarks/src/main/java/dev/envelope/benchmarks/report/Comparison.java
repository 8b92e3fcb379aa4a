package dev.envelope.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One scenario measured for each implementation: results that differ only in the {@code impl}
 * parameter ({@code envelope}, {@code esdk}, {@code jce}) and were taken on the same JDK. Any of
 * the three may be missing (a filtered run, or no raw ceiling for a cached scenario).
 */
public record Comparison(
    String benchmarkClass,
    String method,
    int threads,
    String jdkMajor,
    Map<String, String> params,
    JmhResult envelope,
    JmhResult esdk,
    JmhResult jce) {

  public static final String IMPL = "impl";

  /** Groups results into scenarios, keeping the order in which scenarios first appear. */
  public static List<Comparison> group(List<JmhResult> results) {
    Map<String, JmhResult[]> byScenario = new LinkedHashMap<>();
    Map<String, JmhResult> first = new LinkedHashMap<>();
    for (JmhResult r : results) {
      Map<String, String> params = new TreeMap<>(r.params());
      String impl = Objects.requireNonNullElse(params.remove(IMPL), "envelope");
      String key =
          r.jdkMajor()
              + "|"
              + r.benchmarkClass()
              + "|"
              + r.method()
              + "|"
              + r.threads()
              + "|"
              + params;
      JmhResult[] slots = byScenario.computeIfAbsent(key, k -> new JmhResult[3]);
      first.putIfAbsent(key, r);
      switch (impl) {
        case "envelope" -> slots[0] = r;
        case "esdk" -> slots[1] = r;
        case "jce" -> slots[2] = r;
        default -> {} // an implementation the report does not compare
      }
    }
    List<Comparison> rows = new ArrayList<>();
    byScenario.forEach(
        (key, slots) -> {
          JmhResult any = first.get(key);
          Map<String, String> params = new TreeMap<>(any.params());
          params.remove(IMPL);
          rows.add(
              new Comparison(
                  any.benchmarkClass(),
                  any.method(),
                  any.threads(),
                  any.jdkMajor(),
                  params,
                  slots[0],
                  slots[1],
                  slots[2]));
        });
    return rows;
  }

  /** Envelope's score over the official ESDK's, or NaN when either is missing. */
  public double versusEsdk() {
    return ratio(envelope, esdk);
  }

  /** Envelope's score over the raw AES-GCM ceiling's, or NaN when either is missing. */
  public double versusJce() {
    return ratio(envelope, jce);
  }

  private static double ratio(JmhResult a, JmhResult b) {
    return a == null || b == null || b.score() <= 0 ? Double.NaN : a.score() / b.score();
  }

  /** A short label: class without "Benchmark", method, threads when not 1, and parameters. */
  public String label() {
    StringBuilder b =
        new StringBuilder(benchmarkClass.replace("Benchmark", "")).append(' ').append(method);
    if (threads != 1 && !method.contains("Thread")) {
      b.append(" x").append(threads);
    }
    params.forEach((k, v) -> b.append(' ').append(k).append('=').append(Units.param(k, v)));
    return b.toString();
  }

  /**
   * Bytes each operation processes, to turn ops/s into MB/s: the stream length for streams, the
   * record size for records; 0 when the scenario does not say.
   */
  public long bytesPerOp() {
    if (params.containsKey("streamMiB")) {
      return Long.parseLong(params.get("streamMiB")) * 1024 * 1024;
    }
    if (params.containsKey("size")) {
      return Long.parseLong(params.get("size"));
    }
    return 0;
  }
}
