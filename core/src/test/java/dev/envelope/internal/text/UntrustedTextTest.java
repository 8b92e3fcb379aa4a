package dev.envelope.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UntrustedTextTest {

  @Test
  void keepsPrintableAsciiAndEscapesEverythingElse() {
    assertThat(UntrustedText.quote("tenant-1 ok")).isEqualTo("'tenant-1 ok'");
    assertThat(UntrustedText.quote("a\nb\r\u001b[31mc"))
        .isEqualTo("'a\\u000Ab\\u000D\\u001B[31mc'");
    assertThat(UntrustedText.quote("caf\u00e9 \u202e \u2028"))
        .isEqualTo("'caf\\u00E9 \\u202E \\u2028'");
    // Quotes and backslashes are escaped, so no two inputs read the same.
    assertThat(UntrustedText.quote("it's \\u0041")).isEqualTo("'it\\'s \\\\u0041'");
    assertThat(UntrustedText.quote(null)).isEqualTo("null");
  }

  @Test
  void capsTheLengthAndSaysHowLongTheOriginalWas() {
    String huge = "x".repeat(65_535);
    String q = UntrustedText.quote(huge);
    assertThat(q.length()).isLessThan(UntrustedText.MAX_CHARS + 30);
    assertThat(q).endsWith("...(65535 chars)'");
    String controls = "\u0000".repeat(1000);
    assertThat(UntrustedText.quote(controls).length()).isLessThan(UntrustedText.MAX_CHARS + 40);
    assertThat(UntrustedText.printable("abc\tdef", 100)).isEqualTo("abc\\u0009def");
  }

  @Test
  void listsAtMostTenItems() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      items.add("k" + i + "\n");
    }
    String list = UntrustedText.list(items);
    assertThat(list)
        .startsWith("['k0\\u000A', 'k1\\u000A'")
        .endsWith(", ... and 15 more]")
        .doesNotContain("\n")
        .doesNotContain("k10");
    assertThat(UntrustedText.list(List.of())).isEqualTo("[]");
  }
}
