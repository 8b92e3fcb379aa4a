package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The trailing-signature algorithms of the message format: ECDSA on P-256 with SHA-256 or on P-384
 * with SHA-384, DER-encoded signatures, and the public key carried in the encryption context as the
 * Base64 of its SEC 1 compressed point.
 *
 * <p>The curve arithmetic is Bouncy Castle's (its lightweight API: fixed-point comb multiplication
 * for key generation and signing, which runs about four times faster than the JDK's SunEC on P-384
 * here); hashing is the JDK's {@link MessageDigest}. Keys still travel as JCE {@link PrivateKey}
 * and {@link PublicKey} objects, and signatures are plain DER ECDSA, so every AWS Encryption SDK
 * verifies them and Envelope verifies theirs.
 *
 * <p>Nonces: deterministic, RFC 6979 (HMAC-SHA-256 or HMAC-SHA-384 over the private key and the
 * message hash, Bouncy Castle's {@code HMacDSAKCalculator}), so a signature never depends on the
 * quality of a random source at signing time. Key pairs come from the caller's {@link SecureRandom}
 * (a per-thread DRBG in Envelope).
 */
public final class Ecdsa {
  /** The encryption-context key under which the public verification key travels. */
  public static final String PUBLIC_KEY_CONTEXT_KEY = "aws-crypto-public-key";

  private Ecdsa() {}

  /** One curve's parameters in both Bouncy Castle's and the JCE's form, built once. */
  private static final class Curve {
    private static final Curve P256 = new Curve("secp256r1", "SHA-256");
    private static final Curve P384 = new Curve("secp384r1", "SHA-384");

    final String name;
    final String digest;
    final ECDomainParameters domain;
    final ECParameterSpec jceSpec;
    final FixedPointCombMultiplier baseMultiplier = new FixedPointCombMultiplier();

    private Curve(String name, String digest) {
      this.name = name;
      this.digest = digest;
      X9ECParameters x9 = CustomNamedCurves.getByName(name);
      this.domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
      try {
        AlgorithmParameters jceParams = AlgorithmParameters.getInstance("EC");
        jceParams.init(new ECGenParameterSpec(name));
        this.jceSpec = jceParams.getParameterSpec(ECParameterSpec.class);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JCE does not know curve " + name, e);
      }
    }

    static Curve of(AlgorithmSuite suite) {
      return switch (suite.signature()) {
        case ECDSA_P256 -> P256;
        case ECDSA_P384 -> P384;
        case NONE -> throw new IllegalArgumentException("suite is not signed");
      };
    }

    MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance(digest);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(digest + " unavailable", e);
      }
    }
  }

  /** The JCE's EC key factory, per thread: factories are not documented as thread-safe. */
  private static final ThreadLocal<KeyFactory> KEY_FACTORY =
      ThreadLocal.withInitial(
          () -> {
            try {
              return KeyFactory.getInstance("EC");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("EC keys unavailable", e);
            }
          });

  /**
   * A fresh key pair for one message: a private scalar uniform in [1, n-1] from {@code random}, its
   * public point by fixed-point comb multiplication.
   */
  public static KeyPair generateKeyPair(AlgorithmSuite suite, SecureRandom random) {
    Curve curve = Curve.of(suite);
    BigInteger n = curve.domain.getN();
    BigInteger d;
    do {
      d = new BigInteger(n.bitLength(), random);
    } while (d.signum() == 0 || d.compareTo(n) >= 0);
    org.bouncycastle.math.ec.ECPoint q =
        curve.baseMultiplier.multiply(curve.domain.getG(), d).normalize();
    try {
      KeyFactory factory = KEY_FACTORY.get();
      PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, curve.jceSpec));
      PublicKey publicKey =
          factory.generatePublic(
              new ECPublicKeySpec(
                  new ECPoint(
                      q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                  curve.jceSpec));
      return new KeyPair(publicKey, privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation unavailable", e);
    }
  }

  /** A signer, ready for {@code update}, for a message of this suite. */
  public static Signer signer(AlgorithmSuite suite, PrivateKey key) {
    if (!(key instanceof ECPrivateKey ec)) {
      throw new IllegalArgumentException("signing key is not an EC private key");
    }
    Curve curve = Curve.of(suite);
    return new Signer(new ECPrivateKeyParameters(ec.getS(), curve.domain), curve.newDigest());
  }

  /** A verifier, ready for {@code update}, for a message of this suite. */
  public static Verifier verifier(AlgorithmSuite suite, PublicKey key) {
    if (!(key instanceof ECPublicKey ec)) {
      throw new IllegalArgumentException("verification key is not an EC public key");
    }
    Curve curve = Curve.of(suite);
    org.bouncycastle.math.ec.ECPoint q;
    try {
      q =
          curve
              .domain
              .getCurve()
              .validatePoint(ec.getW().getAffineX(), ec.getW().getAffineY())
              .normalize();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("verification key is not a point on " + curve.name);
    }
    return new Verifier(new ECPublicKeyParameters(q, curve.domain), curve.newDigest());
  }

  /**
   * Hashes what it is given and signs the hash (DER ECDSA, RFC 6979 nonce). Not thread-safe; one
   * per message.
   */
  public static final class Signer {
    private final ECPrivateKeyParameters key;
    private final MessageDigest digest;

    private Signer(ECPrivateKeyParameters key, MessageDigest digest) {
      this.key = key;
      this.digest = digest;
    }

    public void update(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }

    public void update(byte[] b) {
      digest.update(b);
    }

    /** The DER signature over everything given so far. */
    public byte[] sign() {
      BigInteger n = key.getParameters().getN();
      // RFC 6979 with the suite's own hash: SHA-256 for P-256, SHA-384 for P-384.
      Digest hmac = n.bitLength() <= 256 ? new SHA256Digest() : new SHA384Digest();
      ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(hmac));
      ecdsa.init(true, key);
      BigInteger[] rs = ecdsa.generateSignature(digest.digest());
      try {
        return StandardDSAEncoding.INSTANCE.encode(n, rs[0], rs[1]);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("DER encoding of a signature failed", e);
      }
    }
  }

  /** Hashes what it is given and checks a DER ECDSA signature over it. Not thread-safe. */
  public static final class Verifier {
    private final ECPublicKeyParameters key;
    private final MessageDigest digest;

    private Verifier(ECPublicKeyParameters key, MessageDigest digest) {
      this.key = key;
      this.digest = digest;
    }

    public void update(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }

    public void update(byte[] b) {
      digest.update(b);
    }

    /**
     * Whether {@code signature[off, off+len)} is a valid, canonically DER-encoded ECDSA signature
     * over everything given so far. Malformed encodings are invalid signatures, not errors.
     */
    public boolean verify(byte[] signature, int off, int len) {
      BigInteger[] rs;
      try {
        rs =
            StandardDSAEncoding.INSTANCE.decode(
                key.getParameters().getN(),
                java.util.Arrays.copyOfRange(signature, off, off + len));
      } catch (RuntimeException | java.io.IOException e) {
        // Bouncy Castle's DER parser answers some malformed structures with a ClassCastException:
        // every failure to decode untrusted bytes is an invalid signature.
        return false;
      }
      ECDSASigner ecdsa = new ECDSASigner();
      ecdsa.init(false, key);
      return ecdsa.verifySignature(digest.digest(), rs[0], rs[1]);
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
    Curve c = Curve.of(suite);
    String curve = c.name;
    byte[] compressed;
    try {
      compressed = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not valid Base64");
    }
    int fieldBytes = (c.domain.getCurve().getFieldSize() + 7) / 8;
    if (compressed.length != fieldBytes + 1 || (compressed[0] != 0x02 && compressed[0] != 0x03)) {
      throw new IllegalArgumentException("public key is not a compressed " + curve + " point");
    }
    org.bouncycastle.math.ec.ECPoint point;
    try {
      point = c.domain.getCurve().decodePoint(compressed).normalize();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("public key is not a point on " + curve);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException("public key is not a valid point on " + curve);
    }
    try {
      ECPoint w =
          new ECPoint(
              point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
      return KEY_FACTORY.get().generatePublic(new ECPublicKeySpec(w, c.jceSpec));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("public key rejected by the JCE: " + e.getMessage());
    }
  }
}
