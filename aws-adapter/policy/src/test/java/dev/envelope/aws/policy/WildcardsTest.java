package dev.envelope.aws.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardsTest {
  @ParameterizedTest
  @CsvSource({
    "*, '', true",
    "*, anything, true",
    "kms:*, kms:Decrypt, true",
    "kms:GenerateDataKey*, kms:GenerateDataKey, true",
    "kms:GenerateDataKey*, kms:GenerateDataKeyWithoutPlaintext, true",
    "kms:GenerateDataKey*, kms:Decrypt, false",
    "kms:ReEncrypt?rom, kms:ReEncryptFrom, true",
    "kms:ReEncrypt?, kms:ReEncryptTo, false",
    "a*b*c, aXXbYYc, true",
    "a*b*c, aXXbYY, false",
    "a*a, aaa, true",
    "?, '', false",
    "abc, abcd, false",
    // A star in the text is an ordinary character: the pattern's star must still backtrack.
    "a*c, a*bc, true",
    "*x, *y*x, true",
    "a?c, a?c, true"
  })
  void caseSensitiveGlob(String pattern, String text, boolean expected) {
    assertThat(Wildcards.matches(pattern, text, false)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "KMS:decrypt, kms:Decrypt, true",
    "kms:generatedatakey*, kms:GenerateDataKeyPair, true"
  })
  void ignoreCase(String pattern, String text, boolean expected) {
    assertThat(Wildcards.matches(pattern, text, true)).isEqualTo(expected);
    assertThat(Wildcards.matches(pattern, text, false)).isFalse();
  }
}
