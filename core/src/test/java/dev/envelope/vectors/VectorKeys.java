package dev.envelope.vectors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A keys manifest (versions 1 to 3 of the test-vector framework's {@code keys} type): raw AES and
 * RSA key material, and references to AWS KMS keys, by name.
 */
final class VectorKeys {
  /** One key entry. {@code keyId} is what raw keyrings write as the key name. */
  record Key(
      String name,
      String type,
      String algorithm,
      String keyId,
      boolean canEncrypt,
      boolean canDecrypt,
      byte[] symmetric,
      PublicKey publicKey,
      PrivateKey privateKey) {
    boolean isKms() {
      return type.startsWith("aws-kms");
    }
  }

  private final Map<String, Key> keys;

  private VectorKeys(Map<String, Key> keys) {
    this.keys = keys;
  }

  static VectorKeys parse(String json) {
    Map<String, Object> root = Json.object(Json.parse(json), "keys manifest");
    Map<String, Object> manifest = Json.object(root.get("manifest"), "keys manifest header");
    if (!"keys".equals(manifest.get("type"))) {
      throw new IllegalArgumentException("not a keys manifest: type " + manifest.get("type"));
    }
    long version = (Long) manifest.get("version");
    if (version < 1 || version > 3) {
      throw new IllegalArgumentException(
          "keys manifest version " + version + " is not supported (1 to 3)");
    }
    Map<String, Key> keys = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : Json.object(root.get("keys"), "keys").entrySet()) {
      keys.put(e.getKey(), key(e.getKey(), Json.object(e.getValue(), "key " + e.getKey())));
    }
    return new VectorKeys(keys);
  }

  Key get(String name) {
    Key key = keys.get(name);
    if (key == null) {
      throw new NoSuchElementException("keys manifest has no key '" + name + "'");
    }
    return key;
  }

  Map<String, Key> all() {
    return keys;
  }

  private static Key key(String name, Map<String, Object> k) {
    String type = (String) k.get("type");
    String keyId = k.containsKey("key-id") ? (String) k.get("key-id") : name;
    boolean encrypt = !Boolean.FALSE.equals(k.get("encrypt"));
    boolean decrypt = !Boolean.FALSE.equals(k.get("decrypt"));
    String algorithm = (String) k.get("algorithm");
    if (type == null || type.startsWith("aws-kms") || !k.containsKey("material")) {
      return new Key(
          name,
          type == null ? "unknown" : type,
          algorithm,
          keyId,
          encrypt,
          decrypt,
          null,
          null,
          null);
    }
    String material = material(k);
    String encoding = (String) k.get("encoding");
    switch (type) {
      case "symmetric" -> {
        if (!"base64".equals(encoding)) {
          throw new IllegalArgumentException("symmetric key " + name + " has encoding " + encoding);
        }
        return new Key(
            name,
            type,
            algorithm,
            keyId,
            encrypt,
            decrypt,
            Base64.getDecoder().decode(material),
            null,
            null);
      }
      case "private" -> {
        return new Key(
            name, type, algorithm, keyId, encrypt, decrypt, null, null, privateKey(material));
      }
      case "public" -> {
        return new Key(
            name, type, algorithm, keyId, encrypt, decrypt, null, publicKey(material), null);
      }
      default -> {
        return new Key(name, type, algorithm, keyId, encrypt, decrypt, null, null, null);
      }
    }
  }

  /**
   * Version 1 stores material as a list of lines joined by {@code line-separator}; later ones as a
   * string.
   */
  private static String material(Map<String, Object> k) {
    Object m = k.get("material");
    if (m instanceof List<?> lines) {
      String separator = k.containsKey("line-separator") ? (String) k.get("line-separator") : "";
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        sb.append(i == 0 ? "" : separator).append(lines.get(i));
      }
      return sb.toString();
    }
    return (String) m;
  }

  private static byte[] pemBody(String pem, String label) {
    int begin = pem.indexOf("-----BEGIN " + label + "-----");
    if (begin < 0) {
      return null;
    }
    int start = begin + ("-----BEGIN " + label + "-----").length();
    int end = pem.indexOf("-----END " + label + "-----", start);
    return Base64.getMimeDecoder()
        .decode(pem.substring(start, end).getBytes(StandardCharsets.US_ASCII));
  }

  static PrivateKey privateKey(String pem) {
    try {
      byte[] pkcs8 = pemBody(pem, "PRIVATE KEY");
      if (pkcs8 != null) {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      }
      byte[] pkcs1 = pemBody(pem, "RSA PRIVATE KEY");
      if (pkcs1 == null) {
        throw new IllegalArgumentException("no PEM private key");
      }
      org.bouncycastle.asn1.pkcs.RSAPrivateKey k =
          org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(pkcs1);
      return KeyFactory.getInstance("RSA")
          .generatePrivate(
              new RSAPrivateCrtKeySpec(
                  k.getModulus(),
                  k.getPublicExponent(),
                  k.getPrivateExponent(),
                  k.getPrime1(),
                  k.getPrime2(),
                  k.getExponent1(),
                  k.getExponent2(),
                  k.getCoefficient()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable RSA private key", e);
    }
  }

  static PublicKey publicKey(String pem) {
    try {
      byte[] spki = pemBody(pem, "PUBLIC KEY");
      if (spki != null) {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
      }
      byte[] pkcs1 = pemBody(pem, "RSA PUBLIC KEY");
      if (pkcs1 == null) {
        throw new IllegalArgumentException("no PEM public key");
      }
      org.bouncycastle.asn1.pkcs.RSAPublicKey k =
          org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(pkcs1);
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable RSA public key", e);
    }
  }
}
