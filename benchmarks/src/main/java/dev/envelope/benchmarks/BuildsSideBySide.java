package dev.envelope.benchmarks;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Before and after in one JVM: loads the same {@link SideBySide} workloads from several builds of
 * the benchmarks jar, each in its own class loader, and alternates short slices of all of them, so
 * that drifting load on a shared machine hits every build alike. Reports each workload's median
 * rate and the median of its per-round ratio to the same workload of the first build, then, per
 * build, the pairs (baseline, ours) of the workload list, as {@link SideBySide} does with {@code
 * --pairs}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.envelope.benchmarks.BuildsSideBySide \
 *     --builds before.jar,after.jar [--rounds 40] [--slice-ms 150] [--warmup-s 15] \
 *     [--thread-cpu] floor-encrypt cached-encrypt esdk-masterkey-encrypt uncached-encrypt
 * </pre>
 *
 * With {@code --thread-cpu}, rates are per second of the measuring thread's CPU time: time the
 * scheduler gives to other processes then enters no rate. It leaves out the collector's and the
 * compiler's threads, so it suits single-thread workloads only, and slightly favours workloads that
 * allocate more (the ESDK's).
 */
public final class BuildsSideBySide {
  private BuildsSideBySide() {}

  public static void main(String[] args) throws ReflectiveOperationException, java.io.IOException {
    List<Path> builds = new ArrayList<>();
    int rounds = 40;
    long sliceMs = 150;
    long warmupS = 15;
    boolean threadCpu = false;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--builds" -> Arrays.stream(args[++i].split(",")).map(Path::of).forEach(builds::add);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--slice-ms" -> sliceMs = Long.parseLong(args[++i]);
        case "--warmup-s" -> warmupS = Long.parseLong(args[++i]);
        case "--thread-cpu" -> threadCpu = true;
        default -> names.add(args[i]);
      }
    }
    if (builds.isEmpty() || names.isEmpty()) {
      System.out.println("name --builds and at least one workload; see the class comment");
      System.exit(2);
    }
    List<String> labels = new ArrayList<>();
    List<Supplier<byte[]>> workloads = new ArrayList<>();
    for (Path build : builds) {
      // Each build's classes, JMH's and the ESDK's included, in a loader of their own.
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {build.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      Method workload =
          Class.forName(SideBySide.class.getName(), true, loader)
              .getDeclaredMethod("workload", String.class);
      workload.setAccessible(true);
      Thread.currentThread().setContextClassLoader(loader);
      for (String name : names) {
        @SuppressWarnings("unchecked")
        Supplier<byte[]> w = (Supplier<byte[]>) workload.invoke(null, name);
        labels.add(build.getFileName() + ":" + name);
        workloads.add(w);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "JDK %s, %d processors, load %s; warm-up %d s, %d rounds of %d ms slices; rates per %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        MachineInfo.loadAverage(),
        warmupS,
        rounds,
        sliceMs,
        threadCpu ? "second of the measuring thread's CPU time" : "second of wall time");
    SideBySide.Clock clock = threadCpu ? SideBySide.Clock.THREAD_CPU : SideBySide.Clock.WALL;
    long warmEnd = System.nanoTime() + warmupS * 1_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      for (Supplier<byte[]> w : workloads) {
        SideBySide.slice(w, sliceMs, clock);
      }
    }
    int n = workloads.size();
    double[][] rates = new double[n][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < n; k++) {
        int i = (k + r) % n;
        rates[i][r] = SideBySide.slice(workloads.get(i), sliceMs, clock);
      }
    }
    int perBuild = names.size();
    System.out.printf(
        Locale.ROOT, "%-44s %14s %16s%n", "build:workload", "median ops/s", "vs first build");
    for (int i = 0; i < n; i++) {
      System.out.printf(
          Locale.ROOT,
          "%-44s %14.0f %15.3fx%n",
          labels.get(i),
          SideBySide.median(rates[i]),
          SideBySide.medianRatio(rates[i], rates[i % perBuild]));
    }
    for (int b = 0; b < builds.size(); b++) {
      for (int p = 0; p + 1 < perBuild; p += 2) {
        int ours = b * perBuild + p + 1;
        System.out.printf(
            Locale.ROOT,
            "pair %-58s %8.3fx%n",
            labels.get(ours) + " / " + names.get(p),
            SideBySide.medianRatio(rates[ours], rates[ours - 1]));
      }
    }
    System.exit(0);
  }
}
