package dev.envelope.aws.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

  @Test
  void readsEveryKindOfValueKeepingMemberOrderAndNumberText() {
    JsonValue v =
        JsonReader.parse(
            " {\"z\": [1, -2.50, 3e-7], \"a\": {\"t\": true, \"f\": false, \"n\": null}, \"s\": \"x\\u00e9\"} ");
    assertThat(v.asObject().keySet()).containsExactly("z", "a", "s");
    assertThat(v.field("z").orElseThrow().asArray())
        .extracting(JsonValue::asNumber)
        .containsExactly("1", "-2.50", "3e-7");
    JsonValue a = v.field("a").orElseThrow();
    assertThat(a.field("t").orElseThrow().asBoolean()).isTrue();
    assertThat(a.field("f").orElseThrow().asBoolean()).isFalse();
    assertThat(a.field("n").orElseThrow().isNull()).isTrue();
    assertThat(a.field("missing")).isEmpty();
    assertThat(v.field("s").orElseThrow().asString()).isEqualTo("xé");
    assertThat(JsonReader.parse("\"top\"".getBytes(StandardCharsets.UTF_8)).asString())
        .isEqualTo("top");
  }

  @Test
  void duplicateMemberNamesAreRefusedWithTheirPlace() {
    assertThatThrownBy(() -> JsonReader.parse("{\"Effect\":\"Deny\",\n \"Effect\":\"Allow\"}"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("Duplicate member \"Effect\"")
        .satisfies(e -> assertThat(((JsonException) e).line()).isEqualTo(2));
    // Duplicates in different objects are fine.
    assertThat(JsonReader.parse("[{\"a\":1},{\"a\":2}]").asArray()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "{} {}",
        "[1] x",
        "{\"a\":1,}",
        "[1,]",
        "{'a':1}",
        "// c\n{}",
        "NaN",
        "01",
        "{\"a\" 1}",
        "\"open",
        "{\"a\":\"tab\there\"}",
        "[1"
      })
  void anythingButExactlyOneRfc8259ValueIsRefused(String text) {
    assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(JsonException.class);
  }

  @Test
  void errorsSayWhereButQuoteNoSource() {
    String secret = "{\"Plaintext\": \"c2VjcmV0\", \"x\": tru}";
    assertThatThrownBy(() -> JsonReader.parse(secret))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("line 1, column")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0").doesNotContain("\n"));
    assertThatThrownBy(() -> JsonReader.parse("[1] [2]"))
        .hasMessageContaining("Content after the JSON value");
  }

  @Test
  void readValuesWriteBackUnchanged() {
    String text = "{\"n\":1.50,\"e\":-2e3,\"l\":[\"\\u0000\",null,{}]}";
    assertThat(JsonOutput.serialize(JsonReader.parse(text))).isEqualTo(text);
    assertThat(JsonValue.NullValue.INSTANCE.field("a")).isEmpty();
    assertThat(new JsonValue.ArrayValue(List.of()).isArray()).isTrue();
  }
}
