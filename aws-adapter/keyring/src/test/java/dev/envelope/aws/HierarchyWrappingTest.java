package dev.envelope.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hierarchical keyring's derivation, AAD and ciphertext layout, pinned byte for byte. */
class HierarchyWrappingTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] BRANCH_KEY =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b1c1d1e1f");
  private static final String VERSION = "5c7e4d34-8b5e-4d2c-a9c3-2f1c41b8e5a0";

  @Test
  void derivationIsOneSp800108CounterBlockOfHmacSha256() {
    // HMAC-SHA256(key, 00000001 || "aws-kms-hierarchy" || 00 || salt || 00000100), computed
    // independently
    // (Python's hmac module).
    byte[] salt = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    assertThat(HEX.formatHex(HierarchyWrapping.derive(BRANCH_KEY, salt)))
        .isEqualTo("e5bb8edd42332babcda1e0bea19df88f3d9baa54461f50df2cc426a942b5e4e6");
  }

  @Test
  void aadIsProviderIdBranchKeyIdVersionBytesAndTheSerializedContext() {
    Map<String, String> context = new LinkedHashMap<>();
    context.put("b", "2");
    context.put("a", "1");
    byte[] aad = HierarchyWrapping.aad("bk", HierarchyWrapping.versionBytes(VERSION), context);
    assertThat(HEX.formatHex(aad))
        .isEqualTo(
            HEX.formatHex("aws-kms-hierarchy".getBytes(StandardCharsets.US_ASCII))
                + HEX.formatHex("bk".getBytes(StandardCharsets.US_ASCII))
                + "5c7e4d348b5e4d2ca9c32f1c41b8e5a0"
                + "0002"
                + "0001"
                + "61"
                + "0001"
                + "31"
                + "0001"
                + "62"
                + "0001"
                + "32");
    assertThat(HierarchyWrapping.serialize(Map.of())).isEmpty();
  }

  @Test
  void ciphertextIsSaltIvVersionKeyTagAndUnwrapsOnlyUnderItsContext() {
    byte[] dataKey = new byte[32];
    dataKey[0] = 7;
    byte[] ct = HierarchyWrapping.wrap(BRANCH_KEY, "bk", VERSION, dataKey, Map.of("k", "v"));
    assertThat(ct).hasSize(16 + 12 + 16 + 32 + 16);
    assertThat(HEX.formatHex(ct, 28, 44)).isEqualTo("5c7e4d348b5e4d2ca9c32f1c41b8e5a0");
    assertThat(HierarchyWrapping.version(ct)).isEqualTo(VERSION);
    assertThat(HierarchyWrapping.unwrap(BRANCH_KEY, "bk", VERSION, ct, Map.of("k", "v")))
        .isEqualTo(dataKey);
    assertThat(HierarchyWrapping.unwrap(BRANCH_KEY, "bk", VERSION, ct, Map.of("k", "w"))).isNull();
    assertThat(HierarchyWrapping.unwrap(BRANCH_KEY, "other", VERSION, ct, Map.of("k", "v")))
        .isNull();
    byte[] otherKey = BRANCH_KEY.clone();
    otherKey[31] ^= 1;
    assertThat(HierarchyWrapping.unwrap(otherKey, "bk", VERSION, ct, Map.of("k", "v"))).isNull();
    // Two wraps of the same key differ: fresh salt and IV each time.
    assertThat(HierarchyWrapping.wrap(BRANCH_KEY, "bk", VERSION, dataKey, Map.of("k", "v")))
        .isNotEqualTo(ct);
  }

  @Test
  void branchKeyMaterialsZeroOnDestroyAndNeverPrintTheKey() {
    BranchKeyMaterials m = BranchKeyMaterials.wrap("bk", VERSION, Map.of(), BRANCH_KEY.clone());
    assertThat(m.toString()).contains("bk").contains(VERSION).doesNotContain("0, 1, 2");
    byte[][] live = new byte[1][];
    m.withKey(k -> live[0] = k);
    m.destroy();
    assertThat(live[0]).containsOnly(0);
    assertThat((Object) m.withKey(k -> k)).isNull();
    assertThatThrownBy(() -> BranchKeyMaterials.wrap("bk", "not-a-uuid", Map.of(), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case UUID");
    assertThatThrownBy(() -> BranchKeyMaterials.wrap("bk", VERSION, Map.of(), new byte[16]))
        .hasMessageContaining("32 bytes");
  }
}
