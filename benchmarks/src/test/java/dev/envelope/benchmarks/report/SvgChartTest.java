package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {
  private static Document parse(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void ratioChartIsWellFormedWithOneLabelPerScenario() throws Exception {
    List<Comparison> rows = Comparison.group(JmhResult.parseAll(Fixtures.read("jdk17.json")));
    String svg = SvgChart.ratios(rows, Target.DEFAULTS, "a <title> & more");
    Document doc = parse(svg);
    assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
    assertThat(svg).contains("Record encrypt size=1KiB (JDK 17)").contains("5.00x").contains("90%");
    assertThat(svg).contains("a &lt;title&gt; &amp; more");
  }

  @Test
  void kmsChartIsWellFormedAndMarksThrottledPoints() throws Exception {
    String svg = SvgChart.kmsSweep(KmsQuotaRun.parse(Fixtures.read("kms.json")), "sweep");
    assertThat(parse(svg).getElementsByTagName("circle").getLength()).isEqualTo(3);
    assertThat(svg).contains("#d62728"); // the no-cache point had throttling errors at callers
  }

  @Test
  void logAxisPositions() {
    assertThat(SvgChart.logPos(0.1)).isCloseTo(0.0, within(1e-9));
    assertThat(SvgChart.logPos(1)).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(SvgChart.logPos(1000)).isCloseTo(1.0, within(1e-9));
  }
}
