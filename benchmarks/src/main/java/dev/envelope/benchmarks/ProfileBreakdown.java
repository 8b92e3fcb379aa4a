package dev.envelope.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a record's time and allocation go: reads a JFR recording of record workloads (for example
 * {@link SideBySide} started with {@code -XX:StartFlightRecording:settings=profile,filename=F}) and
 * attributes execution samples and allocation samples to the parts of the record path, separately
 * for encryption ({@code Envelope.encrypt}) and decryption ({@code Envelope.decrypt}).
 *
 * <p>Each sample goes to the first category matched walking its stack from the innermost frame
 * outwards, so a HMAC inside HKDF counts as key derivation and an AES key schedule inside {@code
 * Cipher.init} as cipher setup.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.envelope.benchmarks.ProfileBreakdown rec.jfr
 * </pre>
 */
public final class ProfileBreakdown {
  /** Categories in matching order; the first whose pattern matches a frame wins. */
  static final Map<String, Pattern> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put(
        "cipher setup (Cipher.init, AES key schedule, GHASH key)",
        Pattern.compile(
            "^(javax\\.crypto\\.Cipher\\.(init|chooseProvider|getInstance)"
                + "|com\\.sun\\.crypto\\.provider\\.(AESCrypt\\.(init|makeSessionKey)"
                + "|GaloisCounterMode\\.(engineInit|init)|GHASH\\.<init>)"
                + "|dev\\.envelope\\.internal\\.crypto\\.AesGcm\\.scrub)"));
    CATEGORIES.put(
        "key derivation (HKDF-SHA512: Mac init, HMACs)",
        Pattern.compile(
            "^(javax\\.crypto\\.Mac\\.|com\\.sun\\.crypto\\.provider\\.(HmacCore|HmacSHA)"
                + "|sun\\.security\\.provider\\.SHA5"
                + "|dev\\.envelope\\.internal\\.crypto\\.Hkdf"
                + "|dev\\.envelope\\.internal\\.format\\.MessageKeys)"));
    CATEGORIES.put(
        "AES-GCM over header tag and record",
        Pattern.compile("^(javax\\.crypto\\.Cipher\\.|com\\.sun\\.crypto\\.provider\\.)"));
    CATEGORIES.put(
        "signature (ECDSA)",
        Pattern.compile(
            "^(java\\.security\\.(Signature|KeyPairGenerator)|sun\\.security\\.ec\\."
                + "|org\\.bouncycastle\\.|dev\\.envelope\\.internal\\.crypto\\.Ecdsa)"));
    CATEGORIES.put(
        "random (message id)",
        Pattern.compile(
            "^(java\\.security\\.SecureRandom|sun\\.security\\.provider\\."
                + "(DRBG|HashDrbg|AbstractDrbg|AbstractHashDrbg|SHA2))"));
    CATEGORIES.put(
        "cache lookup (CachingMaterialsManager, Caffeine)",
        Pattern.compile(
            "^(dev\\.envelope\\.materials\\.CachingMaterialsManager"
                + "|com\\.github\\.benmanes\\.caffeine\\.)"));
    CATEGORIES.put(
        "key wrapping (keyring)",
        Pattern.compile("^dev\\.envelope\\.keyring\\.(RawAesKeyring|MultiKeyring)"));
    CATEGORIES.put(
        "materials (copies, checks, zeroing)",
        Pattern.compile(
            "^(dev\\.envelope\\.keyring\\.|dev\\.envelope\\.materials\\.|dev\\.envelope\\.Envelope\\.(encryptionMaterials|decryptionMaterials|checkCallerContext|checkExpectedContext))"));
    CATEGORIES.put(
        "header build and parse",
        Pattern.compile(
            "^dev\\.envelope\\.internal\\.format\\.(MessageHeader|EncryptionContextCodec"
                + "|HeaderAuthentication|BodyAad)"));
  }

  static final String OTHER = "other (message assembly, facade, metrics, copies)";

  private ProfileBreakdown() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.out.println("usage: ProfileBreakdown recording.jfr");
      System.exit(2);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
    for (String op : List.of("encrypt", "decrypt")) {
      Map<String, double[]> time = new LinkedHashMap<>();
      Map<String, double[]> alloc = new LinkedHashMap<>();
      for (RecordedEvent e : events) {
        String type = e.getEventType().getName();
        boolean cpu = type.equals("jdk.ExecutionSample");
        boolean mem = type.equals("jdk.ObjectAllocationSample");
        if (!cpu && !mem) {
          continue;
        }
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || !contains(st, "dev.envelope.Envelope." + op)) {
          continue;
        }
        String category = classify(st);
        if (cpu) {
          time.computeIfAbsent(category, k -> new double[1])[0] += 1;
        } else {
          alloc.computeIfAbsent(category, k -> new double[1])[0] += e.getLong("weight");
        }
      }
      print(op, time, alloc);
    }
  }

  private static boolean contains(RecordedStackTrace st, String prefix) {
    for (RecordedFrame f : st.getFrames()) {
      if (name(f).startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static String classify(RecordedStackTrace st) {
    for (RecordedFrame f : st.getFrames()) {
      String n = name(f);
      for (Map.Entry<String, Pattern> c : CATEGORIES.entrySet()) {
        if (c.getValue().matcher(n).find()) {
          return c.getKey();
        }
      }
    }
    return OTHER;
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void print(String op, Map<String, double[]> time, Map<String, double[]> alloc) {
    double t = time.values().stream().mapToDouble(v -> v[0]).sum();
    double a = alloc.values().stream().mapToDouble(v -> v[0]).sum();
    System.out.printf(
        Locale.ROOT, "%n%s: %.0f execution samples, %.1f MB sampled allocation%n", op, t, a / 1e6);
    System.out.printf(Locale.ROOT, "| part | time | allocation |%n|---|---|---|%n");
    LinkedHashMap<String, Pattern> order = new LinkedHashMap<>(CATEGORIES);
    order.put(OTHER, null);
    for (String c : order.keySet()) {
      double ct = time.getOrDefault(c, new double[1])[0];
      double ca = alloc.getOrDefault(c, new double[1])[0];
      if (ct == 0 && ca == 0) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f%% | %.0f%% |%n",
          c,
          t == 0 ? 0 : 100 * ct / t,
          a == 0 ? 0 : 100 * ca / a);
    }
  }
}
