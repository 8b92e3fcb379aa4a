package dev.envelope.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesNestedValues() {
    Object v =
        Json.parse(
            " {\"a\": [1, -2.5e3, \"x\\\"y\\u00e9\"], \"b\": {\"c\": true, \"d\": null}, \"e\": false} ");
    Map<String, Object> o = Json.object(v);
    assertThat(Json.array(o.get("a"))).containsExactly(1.0, -2500.0, "x\"yé");
    assertThat(Json.object(o.get("b"))).containsEntry("c", true).containsEntry("d", null);
    assertThat(o.get("e")).isEqualTo(false);
  }

  @Test
  void emptyContainers() {
    assertThat(Json.array(Json.parse("[]"))).isEmpty();
    assertThat(Json.object(Json.parse("{ }"))).isEmpty();
  }

  @Test
  void numbersIncludeJmhNaNStrings() {
    assertThat(Json.number("NaN")).isNaN();
    assertThat(Json.number(3.0)).isEqualTo(3.0);
    assertThat(Json.number(null)).isNaN();
  }

  @Test
  void rejectsMalformedInput() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated");
  }

  @Test
  void quoteRoundTrips() {
    String s = "tab\t \"quote\" back\\slash \u0001";
    assertThat(Json.parse(Json.quote(s))).isEqualTo(s);
    assertThat(Json.array(Json.parse("[" + Json.quote("a") + "]"))).isEqualTo(List.of("a"));
  }
}
