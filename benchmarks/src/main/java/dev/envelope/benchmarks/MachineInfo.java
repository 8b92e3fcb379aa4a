package dev.envelope.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the report says about the machine, so figures are read with their context. */
final class MachineInfo {
  private MachineInfo() {}

  static String describe() {
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + cpuModel()
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + ", max heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB";
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" elsewhere. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
