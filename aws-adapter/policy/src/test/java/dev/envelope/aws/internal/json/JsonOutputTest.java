package dev.envelope.aws.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

  private static String quoted(String s) {
    return JsonOutput.compact().value(s).toString();
  }

  private static String parsedBack(String s) {
    return JsonReader.parse("[" + quoted(s) + "]").asArray().get(0).asString();
  }

  @Test
  void compactWritesNoWhitespaceAndPlacesCommas() {
    String json =
        JsonOutput.compact()
            .beginObject()
            .field("s", "x")
            .field("b", true)
            .field("n", -42L)
            .name("a")
            .beginArray()
            .value("y")
            .value(false)
            .value(7)
            .beginObject()
            .endObject()
            .beginArray()
            .endArray()
            .endArray()
            .name("o")
            .beginObject()
            .field("k", "v")
            .endObject()
            .endObject()
            .toString();
    assertThat(json)
        .isEqualTo(
            "{\"s\":\"x\",\"b\":true,\"n\":-42,\"a\":[\"y\",false,7,{},[]],\"o\":{\"k\":\"v\"}}");
  }

  @Test
  void fieldOmitsNullStringsButValueWritesNull() {
    String json =
        JsonOutput.compact()
            .beginObject()
            .field("absent", (String) null)
            .field("present", "p")
            .name("explicit")
            .value((String) null)
            .endObject()
            .toString();
    assertThat(json).isEqualTo("{\"present\":\"p\",\"explicit\":null}");
  }

  @Test
  void stringMapAndListKeepOrderAndNulls() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("z", "1");
    map.put("a", null);
    String json =
        JsonOutput.compact()
            .beginObject()
            .name("m")
            .stringMap(map)
            .name("l")
            .stringList(java.util.Arrays.asList("x", null))
            .name("e")
            .stringList(List.of())
            .endObject()
            .toString();
    assertThat(json).isEqualTo("{\"m\":{\"z\":\"1\",\"a\":null},\"l\":[\"x\",null],\"e\":[]}");
  }

  @Test
  void prettyIndentsByTwoAndEndsWithNewline() {
    String json =
        JsonOutput.pretty()
            .beginObject()
            .field("tool", "t")
            .name("none")
            .value((String) null)
            .name("list")
            .beginArray()
            .beginObject()
            .field("n", 1L)
            .endObject()
            .value("s")
            .endArray()
            .name("empty")
            .beginObject()
            .endObject()
            .name("emptyList")
            .beginArray()
            .endArray()
            .endObject()
            .toString();
    assertThat(json)
        .isEqualTo(
            """
        {
          "tool": "t",
          "none": null,
          "list": [
            {
              "n": 1
            },
            "s"
          ],
          "empty": {
          },
          "emptyList": [
          ]
        }
        """);
  }

  @Test
  void escapesQuotesBackslashesAndEveryControlCharacter() {
    assertThat(quoted("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
    assertThat(quoted("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
    assertThat(quoted("\0")).isEqualTo("\"\\u0000\"");
    assertThat(quoted(String.valueOf((char) 0x1f))).isEqualTo("\"\\u001f\"");
    assertThat(quoted(String.valueOf((char) 0x0b))).isEqualTo("\"\\u000b\"");
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    String escaped = quoted(all.toString());
    for (int i = 1; i < escaped.length() - 1; i++) {
      assertThat(escaped.charAt(i)).isBetween((char) 0x20, (char) 0x7e);
    }
    assertThat(parsedBack(all.toString())).isEqualTo(all.toString());
    assertThat(quoted(String.valueOf((char) 0x7f))).isEqualTo("\"\u007f\"");
  }

  @Test
  void namesAreEscapedLikeValues() {
    assertThat(JsonOutput.compact().beginObject().field("a\"\n", "v").endObject().toString())
        .isEqualTo("{\"a\\\"\\n\":\"v\"}");
  }

  @Test
  void nonBmpAndLineSeparatorsPassThrough() {
    String s = "k\u00e9y \u4e2d \ud83d\udd11 \u2028\u2029";
    assertThat(quoted(s)).isEqualTo("\"" + s + "\"");
    assertThat(parsedBack(s)).isEqualTo(s);
  }

  @Test
  void loneSurrogatesAreEscapedSoThatTheySurviveUtf8() {
    assertThat(quoted("a\ud800")).isEqualTo("\"a\\ud800\"");
    assertThat(quoted("\udc00a")).isEqualTo("\"\\udc00a\"");
    // A high surrogate followed by a pair: only the first is lone.
    assertThat(quoted("\ud800\ud83d\udd11")).isEqualTo("\"\\ud800\ud83d\udd11\"");
    // A pair followed by a low surrogate: only the last is lone.
    assertThat(quoted("\ud83d\udd11\udd11")).isEqualTo("\"\ud83d\udd11\\udd11\"");
    String lone = "x\udbff\udfff\udfff\ud800";
    String json = quoted(lone);
    assertThat(
            new String(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(json);
    assertThat(parsedBack(lone)).isEqualTo(lone);
  }

  @Test
  void randomStringsRoundTrip() {
    Random r = new Random(7);
    for (int n = 0; n < 2000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = r.nextInt(12); i > 0; i--) {
        switch (r.nextInt(5)) {
          case 0 -> s.append((char) r.nextInt(0x80));
          case 1 -> s.append((char) (0x80 + r.nextInt(0xD800 - 0x80)));
          case 2 -> s.appendCodePoint(0x10000 + r.nextInt(0x100000));
          case 3 -> s.append((char) (0xD800 + r.nextInt(0x800)));
          default -> s.append("\"\\/");
        }
      }
      assertThat(parsedBack(s.toString())).isEqualTo(s.toString());
    }
  }

  @Test
  void timestampsAndBlobsAsTheAwsJsonProtocolsWriteThem() {
    String json =
        JsonOutput.compact()
            .beginObject()
            .name("t")
            .timestamp(Instant.ofEpochSecond(1_700_000_000L, 5_000_000))
            .name("u")
            .timestamp(Instant.ofEpochSecond(1_700_000_000L))
            .name("b")
            .blob(new byte[] {0, 1, (byte) 0xff})
            .endObject()
            .toString();
    assertThat(json).isEqualTo("{\"t\":1700000000.005,\"u\":1700000000.000,\"b\":\"AAH/\"}");
  }

  @Test
  void serializeWritesParsedValuesBackCompactly() {
    String given =
        "{ \"Version\": \"2012-10-17\", \"Statement\": [ { \"Sid\": \"a\\u0001\\\"\","
            + " \"N\": 1.50, \"E\": -2e3, \"T\": true, \"F\": false, \"Z\": null, \"O\": {}, \"A\": [] } ] }";
    String compact = JsonOutput.serialize(JsonReader.parse(given));
    assertThat(compact)
        .isEqualTo(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\\u0001\\\"\","
                + "\"N\":1.50,\"E\":-2e3,\"T\":true,\"F\":false,\"Z\":null,\"O\":{},\"A\":[]}]}");
    assertThat(JsonOutput.serialize(JsonReader.parse("\"s\""))).isEqualTo("\"s\"");
  }

  @Test
  void textOfTakesAStringsContentOrSerializesInlineJson() {
    assertThat(JsonOutput.textOf(JsonReader.parse("\"{\\\"a\\\": 1}\""))).isEqualTo("{\"a\": 1}");
    assertThat(JsonOutput.textOf(JsonReader.parse("{\"a\": 1}"))).isEqualTo("{\"a\":1}");
  }

  @Test
  void parsedValuesCanBeEmbeddedInPrettyOutput() {
    String json =
        JsonOutput.pretty()
            .beginObject()
            .name("p")
            .value(JsonReader.parse("{\"a\":[1]}"))
            .endObject()
            .toString();
    assertThat(json).isEqualTo("{\n  \"p\": {\n    \"a\": [\n      1\n    ]\n  }\n}\n");
  }
}
