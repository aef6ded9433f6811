package dev.logreg.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small {@code .npy} files for tests (format 1.0), as numpy.save does. */
final class NpyFiles {
    private NpyFiles() {}

    static void write(Path p, String descr, boolean fortran, long[] shape, byte[] data) throws IOException {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sh.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        sh.append(")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + sh + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.put(data);
        Files.write(p, b.array());
    }

    static byte[] floats(float... v) {
        return floats(ByteOrder.LITTLE_ENDIAN, v);
    }

    /** The floats' bytes in the given order ({@code ">f4"} data where it is big-endian). */
    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] doubles(double... v) {
        return doubles(ByteOrder.LITTLE_ENDIAN, v);
    }

    /** The doubles' bytes in the given order ({@code ">f8"} data where it is big-endian). */
    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) b.putDouble(x);
        return b.array();
    }
}
