package dev.logreg.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Labels files of every dtype the reader takes, in both byte orders: the same float64 values, unsigned read unsigned. */
class NpyLabelDtypesTest {
    @TempDir
    Path dir;

    private double[] read(String descr, ByteOrder order, int item, long... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * item).order(order);
        for (long v : values) {
            switch (item) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        Path p = dir.resolve(descr.replaceAll("[^a-z0-9]", "_") + order + ".npy");
        NpyFiles.write(p, descr, false, new long[] {values.length}, b.array());
        return NpyDataReader.readLabels(p, values.length);
    }

    @Test
    void integerDtypesInBothOrders() throws IOException {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            String e = o == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
            assertArrayEquals(new double[] {0, 1, -1, 127, -128}, read("|i1", o, 1, 0, 1, -1, 127, -128));
            assertArrayEquals(new double[] {0, 1, 255, 200}, read("|u1", o, 1, 0, 1, 255, 200));
            assertArrayEquals(new double[] {0, 1, 1, 0}, read("|b1", o, 1, 0, 1, 1, 0));
            assertArrayEquals(new double[] {-32768, 7, 32767}, read(e + "i2", o, 2, -32768, 7, 32767));
            assertArrayEquals(new double[] {40000, 65535, 3}, read(e + "u2", o, 2, 40000, 65535, 3), "uint16 read unsigned");
            assertArrayEquals(new double[] {-2e9, 5, 2e9}, read(e + "i4", o, 4, -2_000_000_000L, 5, 2_000_000_000L));
            assertArrayEquals(new double[] {3e9, 1, 4294967295.0}, read(e + "u4", o, 4, 3_000_000_000L, 1, 4294967295L), "uint32 read unsigned");
            assertArrayEquals(new double[] {-(1L << 53), 9, 1L << 53}, read(e + "i8", o, 8, -(1L << 53), 9, 1L << 53));
        }
    }

    @Test
    void floatDtypesInBothOrdersAndFloatsOfOtherSizesRefused() throws IOException {
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            String e = o == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
            ByteBuffer f4 = ByteBuffer.allocate(12).order(o).putFloat(1).putFloat(0).putFloat(-0.5f);
            Path p4 = dir.resolve("f4" + o + ".npy");
            NpyFiles.write(p4, e + "f4", false, new long[] {3}, f4.array());
            assertArrayEquals(new double[] {1, 0, -0.5}, NpyDataReader.readLabels(p4, 3));
            ByteBuffer f8 = ByteBuffer.allocate(16).order(o).putDouble(3).putDouble(1e300);
            Path p8 = dir.resolve("f8" + o + ".npy");
            NpyFiles.write(p8, e + "f8", false, new long[] {2}, f8.array());
            assertArrayEquals(new double[] {3, 1e300}, NpyDataReader.readLabels(p8, 2));
        }
        for (String d : new String[] {"<f2", "|f1"}) {
            Path p = dir.resolve("bad" + d.charAt(2) + ".npy");
            NpyFiles.write(p, d, false, new long[] {2}, new byte[2 * (d.charAt(2) - '0')]);
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.readLabels(p, 2));
            assertTrue(x.getMessage().startsWith(p + ": float" + 8 * (d.charAt(2) - '0') + " labels are not supported"), x.getMessage());
        }
    }
}
