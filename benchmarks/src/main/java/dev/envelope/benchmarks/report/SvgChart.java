package dev.envelope.benchmarks.report;

import dev.envelope.benchmarks.fleet.FleetResult;
import dev.envelope.benchmarks.kms.KmsQuotaPoint;
import java.util.List;
import java.util.Locale;

/**
 * Hand-written SVG charts, so the report needs no charting library: bars of the two ratios per
 * scenario, records/s against the cache bound in the KMS-quota sweep, and the fleet's two modes.
 */
public final class SvgChart {
  private static final int ROW = 18;
  private static final int LABEL_WIDTH = 330;
  private static final int PANEL = 300;
  private static final int GAP = 40;
  private static final int TOP = 50;

  private SvgChart() {}

  /**
   * Left panel: ours / ESDK on a log scale (0.1x to 100x, 1x marked); right panel: ours / raw
   * AES-GCM on a linear scale (0 to 150%, 100% marked). A red tick marks a row's target.
   */
  public static String ratios(List<Comparison> rows, List<Target> targets, String title) {
    int height = TOP + rows.size() * ROW + 30;
    int width = LABEL_WIDTH + 2 * PANEL + GAP + 60; // room for a value label after a full-width bar
    int leftX = LABEL_WIDTH;
    int rightX = LABEL_WIDTH + PANEL + GAP;
    StringBuilder s = open(width, height);
    text(s, 10, 20, 14, "bold", title);
    text(
        s, leftX, TOP - 12, 12, "normal", "Envelope / official ESDK (log scale; red tick: target)");
    text(s, rightX, TOP - 12, 12, "normal", "Envelope / raw AES-GCM");
    int bottom = TOP + rows.size() * ROW;
    for (double tick : new double[] {0.1, 1, 10, 100}) {
      double x = leftX + logPos(tick) * PANEL;
      line(s, x, TOP, x, bottom, tick == 1 ? "#444" : "#ddd");
      text(s, x - 8, bottom + 14, 10, "normal", Units.ratio(tick).replace(".00", ""));
    }
    for (double tick : new double[] {0, 0.5, 1.0, 1.5}) {
      double x = rightX + tick / 1.5 * PANEL;
      line(s, x, TOP, x, bottom, tick == 1.0 ? "#444" : "#ddd");
      text(s, x - 8, bottom + 14, 10, "normal", Units.percent(tick));
    }
    for (int i = 0; i < rows.size(); i++) {
      Comparison c = rows.get(i);
      int y = TOP + i * ROW;
      text(
          s,
          10,
          y + 13,
          11,
          "normal",
          c.label() + (c.jdkMajor().equals("?") ? "" : " (JDK " + c.jdkMajor() + ")"));
      double vsEsdk = c.versusEsdk();
      if (!Double.isNaN(vsEsdk)) {
        double from = leftX + logPos(1) * PANEL;
        double to = leftX + logPos(vsEsdk) * PANEL;
        rect(
            s,
            Math.min(from, to),
            y + 3,
            Math.abs(to - from),
            ROW - 6,
            vsEsdk >= 1 ? "#2b7bba" : "#d98c2b");
        text(s, Math.max(from, to) + 3, y + 13, 10, "normal", Units.ratio(vsEsdk));
      }
      double vsJce = c.versusJce();
      if (!Double.isNaN(vsJce)) {
        double w = Math.min(1.5, vsJce) / 1.5 * PANEL;
        rect(s, rightX, y + 3, w, ROW - 6, "#3a9a5b");
        text(s, rightX + w + 3, y + 13, 10, "normal", Units.percent(vsJce));
      }
      for (Target t : targets) {
        // The chart shows the ESDK and raw AES-GCM ratios; other targets are in the report's table.
        boolean esdk = t.measure() == Target.Measure.ESDK;
        if (t.appliesTo().test(c) && (esdk || t.measure() == Target.Measure.JCE)) {
          double x = esdk ? leftX + logPos(t.bound()) * PANEL : rightX + t.bound() / 1.5 * PANEL;
          line(s, x, y + 1, x, y + ROW - 1, "#d62728");
        }
      }
    }
    return s.append("</svg>\n").toString();
  }

  /**
   * Records/s against maxMessages (log-log; "no cache" at the left edge), with the quota ceiling
   * (quota x maxMessages) as a dashed line: where the measured line leaves the ceiling, the CPU
   * limits.
   */
  public static String kmsSweep(KmsQuotaRun run, String title) {
    int width = 640;
    int height = 400;
    int x0 = 70;
    int y0 = 340;
    int plotW = 540;
    int plotH = 280;
    List<KmsQuotaPoint> points = run.points();
    double maxM = points.stream().mapToLong(KmsQuotaPoint::maxMessages).max().orElse(1);
    double xMax = Math.log10(Math.max(10, maxM));
    double yMax =
        Math.ceil(
            Math.log10(
                Math.max(10, Math.max(run.bestRecordsPerSecond(), run.quotaPerSecond() * maxM))));
    double yMin = Math.floor(Math.log10(Math.max(1, run.quotaPerSecond() / 10)));
    StringBuilder s = open(width, height);
    text(s, 10, 20, 14, "bold", title);
    text(
        s,
        x0,
        40,
        11,
        "normal",
        String.format(
            Locale.ROOT,
            "%d threads, quota %.0f req/s, %.0f ms per request; dashed: quota ceiling",
            run.threads(),
            run.quotaPerSecond(),
            run.kmsLatencyMillis()));
    for (double e = yMin; e <= yMax; e++) {
      double y = y0 - (e - yMin) / (yMax - yMin) * plotH;
      line(s, x0, y, x0 + plotW, y, "#ddd");
      text(s, 5, y + 4, 10, "normal", Units.powerOfTen(e) + "/s");
    }
    for (double e = 0; e <= xMax; e++) {
      double x = x0 + (e + 1) / (xMax + 1) * plotW;
      line(s, x, y0, x, y0 - plotH, "#ddd");
      text(s, x - 10, y0 + 16, 10, "normal", Units.powerOfTen(e));
    }
    text(s, x0 - 10, y0 + 16, 10, "normal", "none");
    text(s, x0 + plotW / 2 - 40, y0 + 34, 11, "normal", "maxMessages per data key");
    StringBuilder ceiling = new StringBuilder();
    StringBuilder plain = new StringBuilder();
    StringBuilder ahead = new StringBuilder();
    for (KmsQuotaPoint p : points) {
      double x =
          x0 + (p.maxMessages() == 0 ? 0 : (Math.log10(p.maxMessages()) + 1) / (xMax + 1)) * plotW;
      double y = y0 - (clampLog(p.recordsPerSecond(), yMin, yMax) - yMin) / (yMax - yMin) * plotH;
      String xy = fmt(x) + ',' + fmt(y);
      if (!p.refreshAhead()) {
        double yc =
            y0
                - (clampLog(p.quotaCeiling(run.quotaPerSecond()), yMin, yMax) - yMin)
                    / (yMax - yMin)
                    * plotH;
        ceiling.append(ceiling.length() == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(yc));
      }
      // The no-cache point starts both lines: refresh-ahead does not apply to it.
      if (!p.refreshAhead()) {
        plain.append(plain.length() == 0 ? "" : " ").append(xy);
      }
      if (p.refreshAhead() || p.maxMessages() == 0) {
        ahead.append(ahead.length() == 0 ? "" : " ").append(xy);
      }
      s.append("<circle cx=\"")
          .append(fmt(x))
          .append("\" cy=\"")
          .append(fmt(y))
          .append("\" r=\"3.5\" fill=\"")
          .append(
              p.callerThrottlingErrors() > 0 ? "#d62728" : p.refreshAhead() ? "#3a9a5b" : "#2b7bba")
          .append("\"/>\n");
    }
    s.append("<polyline fill=\"none\" stroke=\"#999\" stroke-dasharray=\"5,4\" points=\"")
        .append(ceiling)
        .append("\"/>\n");
    s.append("<polyline fill=\"none\" stroke=\"#2b7bba\" stroke-width=\"2\" points=\"")
        .append(plain)
        .append("\"/>\n");
    if (ahead.indexOf(" ") > 0) {
      s.append("<polyline fill=\"none\" stroke=\"#3a9a5b\" stroke-width=\"2\" points=\"")
          .append(ahead)
          .append("\"/>\n");
    }
    text(s, x0 + plotW - 170, 60, 10, "normal", "blue: cache, refresh-ahead off");
    text(s, x0 + plotW - 170, 74, 10, "normal", "green: refresh-ahead on");
    text(s, x0, height - 8, 10, "normal", "red dots: throttling errors reached callers");
    return s.append("</svg>\n").toString();
  }

  /**
   * The fleet's modes side by side on log scales: KMS calls per million records (left; lower is
   * better; a red tick marks the hierarchy's bound) and records/s (right).
   */
  public static String fleet(FleetRun run, String title) {
    List<FleetResult> rows = run.results();
    int labelWidth = 110;
    int rowHeight = 28;
    int height = TOP + 20 + rows.size() * rowHeight + 40;
    int width = labelWidth + 2 * PANEL + GAP + 80;
    int leftX = labelWidth;
    int rightX = labelWidth + PANEL + GAP;
    int top = TOP + 20;
    int bottom = top + rows.size() * rowHeight;
    double callsMax =
        Math.max(
            7,
            Math.ceil(
                Math.log10(
                    Math.max(
                        1,
                        rows.stream()
                            .mapToDouble(FleetResult::kmsCallsPerMillionRecords)
                            .max()
                            .orElse(1)))));
    double rateMax =
        Math.max(
            3,
            Math.ceil(
                Math.log10(
                    Math.max(
                        1,
                        rows.stream()
                            .mapToDouble(FleetResult::recordsPerSecond)
                            .max()
                            .orElse(1)))));
    StringBuilder s = open(width, height);
    text(s, 10, 20, 14, "bold", title);
    text(
        s,
        10,
        38,
        11,
        "normal",
        String.format(
            Locale.ROOT,
            "%d processes x %d threads, %d branch keys, TTL %.0f s, quota %.0f req/s, %.0f ms per"
                + " request, row-bound contexts",
            run.processes(),
            run.threads(),
            run.branchKeys(),
            run.ttlSeconds(),
            run.quotaPerSecond(),
            run.kmsLatencyMillis()));
    text(s, leftX, top - 8, 12, "normal", "KMS calls per million records (log; red: bound)");
    text(s, rightX, top - 8, 12, "normal", "records/s (log)");
    for (double e = 0; e <= callsMax; e++) {
      double x = leftX + e / callsMax * PANEL;
      line(s, x, top, x, bottom, "#ddd");
      text(s, x - 6, bottom + 14, 10, "normal", Units.powerOfTen(e));
    }
    for (double e = 0; e <= rateMax; e++) {
      double x = rightX + e / rateMax * PANEL;
      line(s, x, top, x, bottom, "#ddd");
      text(s, x - 6, bottom + 14, 10, "normal", Units.powerOfTen(e));
    }
    for (int i = 0; i < rows.size(); i++) {
      FleetResult r = rows.get(i);
      int y = top + i * rowHeight;
      text(s, 10, y + 18, 12, "normal", r.mode());
      String color = r.hierarchy() ? "#3a9a5b" : "#2b7bba";
      double calls = r.kmsCallsPerMillionRecords();
      double w = clampLog(calls, 0, callsMax) / callsMax * PANEL;
      rect(s, leftX, y + 5, w, rowHeight - 10, color);
      text(s, leftX + w + 3, y + 18, 10, "normal", Units.count(calls));
      if (r.hierarchy() && r.records() > 0) {
        double bound = r.kmsCallBound() * 1e6 / r.records();
        double x = leftX + clampLog(bound, 0, callsMax) / callsMax * PANEL;
        line(s, x, y + 2, x, y + rowHeight - 2, "#d62728");
      }
      double rate = r.recordsPerSecond();
      double rw = clampLog(rate, 0, rateMax) / rateMax * PANEL;
      rect(s, rightX, y + 5, rw, rowHeight - 10, color);
      text(s, rightX + rw + 3, y + 18, 10, "normal", Units.count(rate) + "/s");
    }
    text(
        s,
        10,
        height - 8,
        10,
        "normal",
        "hierarchy: hierarchical keyrings sharing one branch key store; kms-cache: KMS keyring +"
            + " data-key cache per process");
    return s.append("</svg>\n").toString();
  }

  /** Position of a ratio on the 0.1x..100x log axis, 0..1. */
  static double logPos(double ratio) {
    double r = Math.max(0.1, Math.min(100, ratio));
    return (Math.log10(r) + 1) / 3;
  }

  private static double clampLog(double v, double min, double max) {
    return Math.max(min, Math.min(max, Math.log10(Math.max(1e-9, v))));
  }

  private static StringBuilder open(int width, int height) {
    return new StringBuilder()
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append(
            "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  }

  private static void text(
      StringBuilder s, double x, double y, int size, String weight, String text) {
    s.append("<text x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(y))
        .append("\" font-size=\"")
        .append(size)
        .append("\" font-weight=\"")
        .append(weight)
        .append("\">")
        .append(escape(text))
        .append("</text>\n");
  }

  private static void line(
      StringBuilder s, double x1, double y1, double x2, double y2, String color) {
    s.append("<line x1=\"")
        .append(fmt(x1))
        .append("\" y1=\"")
        .append(fmt(y1))
        .append("\" x2=\"")
        .append(fmt(x2))
        .append("\" y2=\"")
        .append(fmt(y2))
        .append("\" stroke=\"")
        .append(color)
        .append("\"/>\n");
  }

  private static void rect(StringBuilder s, double x, double y, double w, double h, String color) {
    s.append("<rect x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(y))
        .append("\" width=\"")
        .append(fmt(w))
        .append("\" height=\"")
        .append(fmt(h))
        .append("\" fill=\"")
        .append(color)
        .append("\"/>\n");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
