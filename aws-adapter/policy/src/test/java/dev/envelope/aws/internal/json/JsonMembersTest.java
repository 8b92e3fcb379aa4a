package dev.envelope.aws.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonMembersTest {
  private static JsonMembers plain(String json) {
    return JsonMembers.of(JsonReader.parse(json), "thing", JsonMembers.PLAIN);
  }

  @Test
  void typedMembersAndNullAsAbsent() {
    JsonMembers m =
        plain(
            "{\"s\":\"x\",\"b\":true,\"i\":7,\"d\":2.5,\"l\":[\"a\",\"b\"],"
                + "\"m\":{\"k\":\"v\"},\"o\":{\"s\":\"y\"},\"z\":null}");
    assertThat(m.string("s")).contains("x");
    assertThat(m.required("s")).isEqualTo("x");
    assertThat(m.bool("b", false)).isTrue();
    assertThat(m.integer("i")).contains(7);
    assertThat(m.number("d")).contains(2.5);
    assertThat(m.strings("l")).containsExactly("a", "b");
    assertThat(m.stringMap("m")).containsEntry("k", "v");
    assertThat(m.object("o", "thing.o").orElseThrow().string("s")).contains("y");
    assertThat(m.has("z")).isFalse();
    assertThat(m.string("z")).isEmpty();
    assertThat(m.strings("absent")).isEmpty();
    assertThat(m.bool("absent", true)).isTrue();
  }

  @Test
  void plainWordingNamesTheObjectTheMemberAndWhatItShouldBe() {
    JsonMembers m = plain("{\"s\":1,\"i\":1.5,\"l\":[1],\"m\":{\"k\":1},\"b\":\"yes\"}");
    assertThatThrownBy(() -> m.string("s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("thing: 's' must be a string");
    assertThatThrownBy(() -> m.integer("i")).hasMessage("thing: 'i' must be an integer");
    assertThatThrownBy(() -> m.strings("l")).hasMessage("thing: 'l' must hold strings");
    assertThatThrownBy(() -> m.stringMap("m")).hasMessage("thing: 'm.k' must be a string");
    assertThatThrownBy(() -> m.bool("b", false)).hasMessage("thing: 'b' must be true or false");
    assertThatThrownBy(() -> m.required("nope")).hasMessage("thing needs 'nope'");
    assertThatThrownBy(() -> m.onlyKnown(Set.of("s", "i")))
        .hasMessageStartingWith("unknown member 'l' in thing; known: [i, s]");
    assertThatThrownBy(() -> plain("[]")).hasMessage("thing must be a JSON object");
  }

  @Test
  void caseInsensitiveMembersRefuseNamesThatDifferOnlyInCase() {
    JsonMembers m =
        JsonMembers.caseInsensitive(
            JsonReader.parse("{\"GrantId\":\"g\"}"), "grant", JsonMembers.PLAIN);
    assertThat(m.required("grantid")).isEqualTo("g");
    assertThatThrownBy(
            () ->
                JsonMembers.caseInsensitive(
                    JsonReader.parse("{\"GrantId\":\"g\",\"grantid\":\"h\"}"),
                    "grant",
                    JsonMembers.PLAIN))
        .hasMessageContaining("given twice");
  }
}
