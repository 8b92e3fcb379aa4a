package dev.envelope.internal.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian integers in byte arrays, the byte order of the message format and of counters fed to
 * AES. Through the JDK's byte-array views, which compile to single loads and stores.
 */
public final class BigEndian {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private BigEndian() {}

  public static int readInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  public static long readLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  public static void writeInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  public static void writeLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }
}
