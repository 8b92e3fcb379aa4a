package dev.envelope.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One scenario measured for each implementation: results that differ only in the {@code impl}
 * parameter ({@code envelope}, {@code esdk}, {@code jce}, and the ESDK's other path {@code
 * esdk-<path>}) and were taken on the same JDK. Any of them may be missing (a filtered run, or no
 * raw ceiling for a cached scenario).
 *
 * <p>Two results from other scenarios of the same run are attached where a target needs them:
 * {@code floor}, the {@code PrimitiveFloorBenchmark} result with the same method and size (for
 * one-thread cached records), and {@code reference}, Envelope's result with the same work at 2
 * threads (for the 16-thread and virtual-thread scenarios).
 *
 * @param esdkOtherPath the ESDK's other path for this scenario ({@code esdk-masterkey} or {@code
 *     esdk-keyring}), or null
 */
public record Comparison(
    String benchmarkClass,
    String method,
    int threads,
    String jdkMajor,
    Map<String, String> params,
    JmhResult envelope,
    JmhResult esdk,
    JmhResult jce,
    JmhResult esdkOtherPath,
    JmhResult floor,
    JmhResult reference) {

  public static final String IMPL = "impl";

  /** Benchmarks whose results are attached to others' rows rather than judged alone. */
  static final String FLOOR_CLASS = "PrimitiveFloorBenchmark";

  static final String CACHED_CLASS = "CachedRecordBenchmark";
  static final String VIRTUAL_CLASS = "VirtualThreadBenchmark";
  static final String EXECUTOR = "executor";
  static final String TWO_THREADS = "platform-2";

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
      JmhResult[] slots = byScenario.computeIfAbsent(key, k -> new JmhResult[4]);
      first.putIfAbsent(key, r);
      switch (impl) {
        case "envelope" -> slots[0] = r;
        case "esdk" -> slots[1] = r;
        case "jce" -> slots[2] = r;
        default -> {
          if (impl.startsWith("esdk-")) {
            slots[3] = r;
          } // else an implementation the report does not compare
        }
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
                  slots[2],
                  slots[3],
                  null,
                  null));
        });
    List<Comparison> linked = new ArrayList<>(rows.size());
    for (Comparison c : rows) {
      linked.add(c.withLinks(findFloor(rows, c), findReference(rows, c)));
    }
    return linked;
  }

  private Comparison withLinks(JmhResult floor, JmhResult reference) {
    return new Comparison(
        benchmarkClass,
        method,
        threads,
        jdkMajor,
        params,
        envelope,
        esdk,
        jce,
        esdkOtherPath,
        floor,
        reference);
  }

  /** The primitive floor of a one-thread cached record: same JDK, method and size. */
  private static JmhResult findFloor(List<Comparison> rows, Comparison c) {
    if (!c.benchmarkClass.equals(CACHED_CLASS) || c.threads != 1) {
      return null;
    }
    for (Comparison f : rows) {
      if (f.benchmarkClass.equals(FLOOR_CLASS)
          && f.jdkMajor.equals(c.jdkMajor)
          && f.method.equals(c.method)
          && Objects.equals(f.params.get("size"), c.params.get("size"))) {
        return f.envelope;
      }
    }
    return null;
  }

  /**
   * Envelope's 2-thread result for the same work: {@code encrypt2Threads} for {@code
   * encrypt16Threads}, or the {@code platform-2} executor for the other executors.
   */
  private static JmhResult findReference(List<Comparison> rows, Comparison c) {
    String refMethod = null;
    Map<String, String> refParams = c.params;
    if (c.benchmarkClass.equals(CACHED_CLASS) && c.method.endsWith("16Threads")) {
      refMethod = c.method.replace("16Threads", "2Threads");
    } else if (c.benchmarkClass.equals(VIRTUAL_CLASS)
        && c.params.containsKey(EXECUTOR)
        && !TWO_THREADS.equals(c.params.get(EXECUTOR))) {
      refMethod = c.method;
      refParams = new TreeMap<>(c.params);
      refParams.put(EXECUTOR, TWO_THREADS);
    }
    if (refMethod == null) {
      return null;
    }
    for (Comparison r : rows) {
      if (r.benchmarkClass.equals(c.benchmarkClass)
          && r.jdkMajor.equals(c.jdkMajor)
          && r.method.equals(refMethod)
          && r.params.equals(refParams)) {
        return r.envelope;
      }
    }
    return null;
  }

  /** Envelope's score over the official ESDK's, or NaN when either is missing. */
  public double versusEsdk() {
    return ratio(envelope, esdk);
  }

  /** Envelope's score over the raw AES-GCM ceiling's, or NaN when either is missing. */
  public double versusJce() {
    return ratio(envelope, jce);
  }

  /** Envelope's score over the ESDK's other path's, or NaN. */
  public double versusEsdkOtherPath() {
    return ratio(envelope, esdkOtherPath);
  }

  /**
   * How many times the primitive floor's time Envelope takes per operation (floor score over ours;
   * lower is better, 1.0 would be the floor itself), or NaN.
   */
  public double timeOverFloor() {
    return ratio(floor, envelope);
  }

  /** Envelope's throughput here over its 2-thread throughput for the same work, or NaN. */
  public double versusReference() {
    return ratio(envelope, reference);
  }

  /** Envelope's bytes allocated per operation over the bytes each operation processes, or NaN. */
  public double allocationPerByte() {
    long bytes = bytesPerOp();
    if (envelope == null || bytes <= 0 || Double.isNaN(envelope.allocBytesPerOp())) {
      return Double.NaN;
    }
    return envelope.allocBytesPerOp() / bytes;
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
