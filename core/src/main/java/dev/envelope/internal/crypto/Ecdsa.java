package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * The trailing-signature algorithms of the message format: ECDSA on P-256 with SHA-256 or on P-384
 * with SHA-384, DER-encoded signatures, and the public key carried in the encryption context as the
 * Base64 of its SEC 1 compressed point.
 */
public final class Ecdsa {
  /** The encryption-context key under which the public verification key travels. */
  public static final String PUBLIC_KEY_CONTEXT_KEY = "aws-crypto-public-key";

  private Ecdsa() {}

  static String curveName(AlgorithmSuite.Signature signature) {
    return switch (signature) {
      case ECDSA_P256 -> "secp256r1";
      case ECDSA_P384 -> "secp384r1";
      case NONE -> throw new IllegalArgumentException("suite is not signed");
    };
  }

  static String signatureAlgorithm(AlgorithmSuite.Signature signature) {
    return switch (signature) {
      case ECDSA_P256 -> "SHA256withECDSA";
      case ECDSA_P384 -> "SHA384withECDSA";
      case NONE -> throw new IllegalArgumentException("suite is not signed");
    };
  }

  /** A fresh key pair for one message. */
  public static KeyPair generateKeyPair(AlgorithmSuite suite, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curveName(suite.signature())), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation unavailable", e);
    }
  }

  /** A signer, ready for {@code update}, for a message of this suite. */
  public static Signature signer(AlgorithmSuite suite, java.security.PrivateKey key) {
    try {
      Signature signature = Signature.getInstance(signatureAlgorithm(suite.signature()));
      signature.initSign(key);
      return signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA unavailable", e);
    }
  }

  /** A verifier, ready for {@code update}, for a message of this suite. */
  public static Signature verifier(AlgorithmSuite suite, PublicKey key) {
    try {
      Signature signature = Signature.getInstance(signatureAlgorithm(suite.signature()));
      signature.initVerify(key);
      return signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA unavailable", e);
    }
  }

  /**
   * Length of {@link #encodePublicKey}'s result for a key of this suite: Base64 of 1 + field-size
   * bytes.
   */
  public static int encodedPublicKeyLength(AlgorithmSuite suite) {
    int fieldBytes =
        switch (suite.signature()) {
          case ECDSA_P256 -> 32;
          case ECDSA_P384 -> 48;
          case NONE -> throw new IllegalArgumentException("suite is not signed");
        };
    return 4 * ((1 + fieldBytes + 2) / 3);
  }

  /** Base64 of the compressed point, as stored in the encryption context. */
  public static String encodePublicKey(PublicKey publicKey) {
    ECPublicKey key = (ECPublicKey) publicKey;
    int fieldBytes = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    byte[] out = new byte[1 + fieldBytes];
    ECPoint w = key.getW();
    out[0] = (byte) (w.getAffineY().testBit(0) ? 0x03 : 0x02);
    byte[] x = w.getAffineX().toByteArray();
    int start = x.length > fieldBytes ? x.length - fieldBytes : 0;
    int copy = x.length - start;
    System.arraycopy(x, start, out, 1 + fieldBytes - copy, copy);
    return Base64.getEncoder().encodeToString(out);
  }

  /**
   * Decodes the context's public key for this suite.
   *
   * @throws IllegalArgumentException if it is not valid Base64 or not a point on the suite's curve
   */
  public static PublicKey decodePublicKey(AlgorithmSuite suite, String encoded) {
    String curve = curveName(suite.signature());
    byte[] compressed;
    try {
      compressed = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not valid Base64");
    }
    X9ECParameters params = CustomNamedCurves.getByName(curve);
    int fieldBytes = (params.getCurve().getFieldSize() + 7) / 8;
    if (compressed.length != fieldBytes + 1 || (compressed[0] != 0x02 && compressed[0] != 0x03)) {
      throw new IllegalArgumentException("public key is not a compressed " + curve + " point");
    }
    org.bouncycastle.math.ec.ECPoint point;
    try {
      point = params.getCurve().decodePoint(compressed).normalize();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("public key is not a point on " + curve);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException("public key is not a valid point on " + curve);
    }
    try {
      AlgorithmParameters jceParams = AlgorithmParameters.getInstance("EC");
      jceParams.init(new ECGenParameterSpec(curve));
      ECParameterSpec spec = jceParams.getParameterSpec(ECParameterSpec.class);
      ECPoint w =
          new ECPoint(
              new BigInteger(1, point.getAffineXCoord().getEncoded()),
              new BigInteger(1, point.getAffineYCoord().getEncoded()));
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("public key rejected by the JCE: " + e.getMessage());
    }
  }
}
