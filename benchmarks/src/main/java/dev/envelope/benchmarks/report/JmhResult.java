package dev.envelope.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result from JMH's JSON output: which benchmark, with which parameters and threads,
 * on which JDK, its score and, when run with {@code -prof gc}, its allocation.
 *
 * @param benchmarkClass simple class name, e.g. {@code RecordBenchmark}
 * @param method benchmark method, e.g. {@code encrypt}
 * @param params JMH parameters, sorted by name
 * @param allocBytesPerOp {@code gc.alloc.rate.norm}, or NaN without {@code -prof gc}
 * @param allocMbPerSecond {@code gc.alloc.rate}, or NaN without {@code -prof gc}
 */
public record JmhResult(
    String benchmarkClass,
    String method,
    int threads,
    String jdkVersion,
    String vmName,
    Map<String, String> params,
    double score,
    double scoreError,
    String scoreUnit,
    double allocBytesPerOp,
    double allocMbPerSecond) {

  public JmhResult {
    params = new TreeMap<>(params);
  }

  /** The JDK's feature release ("17", "25"), from a version like {@code 17.0.15}. */
  public String jdkMajor() {
    String v = jdkVersion == null ? "" : jdkVersion;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? "?" : v.substring(0, end);
  }

  public String param(String name) {
    return params.get(name);
  }

  /** Reads every result in a JMH JSON result file ({@code -rf json}). */
  public static List<JmhResult> parseAll(String json) {
    List<JmhResult> results = new ArrayList<>();
    for (Object item : Json.array(Json.parse(json))) {
      Map<String, Object> r = Json.object(item);
      String benchmark = (String) r.get("benchmark");
      int lastDot = benchmark.lastIndexOf('.');
      String className = benchmark.substring(0, lastDot);
      className = className.substring(className.lastIndexOf('.') + 1);
      Map<String, String> params = new TreeMap<>();
      Json.object(r.get("params")).forEach((k, v) -> params.put(k, String.valueOf(v)));
      Map<String, Object> primary = Json.object(r.get("primaryMetric"));
      Map<String, Object> secondary = Json.object(r.get("secondaryMetrics"));
      results.add(
          new JmhResult(
              className,
              benchmark.substring(lastDot + 1),
              (int) Json.number(r.getOrDefault("threads", 1.0)),
              String.valueOf(r.getOrDefault("jdkVersion", "?")),
              String.valueOf(r.getOrDefault("vmName", "?")),
              params,
              Json.number(primary.get("score")),
              Json.number(primary.get("scoreError")),
              String.valueOf(primary.getOrDefault("scoreUnit", "")),
              Json.number(Json.object(secondary.get("gc.alloc.rate.norm")).get("score")),
              Json.number(Json.object(secondary.get("gc.alloc.rate")).get("score"))));
    }
    return results;
  }
}
