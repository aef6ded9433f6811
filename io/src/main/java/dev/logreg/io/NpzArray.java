package dev.logreg.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code .npy} array inside a {@code .npz} (zip) archive, read as a stream: its header, then its values in order.
 * {@link NpyDataReader} reads a file through a {@link java.nio.channels.FileChannel} at positions; a zip entry (deflated
 * or stored) is a stream, hence this small reader of the same header. The values are never all held: the caller asks
 * for as many as it needs next. Messages name the archive and the entry. Not thread-safe; closes its stream.
 */
final class NpzArray implements AutoCloseable {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final String where;
    private final InputStream in;
    /** The dtype: kind ('f', 'i', 'u', 'b', 'S', 'U'), item size in bytes, byte order. */
    final char kind;
    final int itemSize;
    final long[] shape;
    private final ByteBuffer buf;

    /**
     * Reads the header of the array in {@code in}.
     *
     * @param where the archive and entry, for messages ({@code "x.npz, entry indptr.npy"})
     */
    NpzArray(String where, InputStream in) throws IOException {
        this.where = where;
        this.in = in;
        byte[] pre = new byte[12];
        readFully(pre, 0, 10, "header");
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        for (int i = 0; i < 6; i++) {
            if (pre[i] != magic[i]) throw bad("not an .npy array (bad magic string)");
        }
        int major = pre[6];
        long headerLength;
        if (major == 1) {
            headerLength = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            readFully(pre, 10, 2, "header");
            headerLength = ByteBuffer.wrap(pre, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw bad(".npy format version " + major + " is not supported (1, 2 or 3 expected)");
        }
        if (headerLength > 1 << 16) throw bad("an .npy header of " + headerLength + " bytes, more than an array's header needs");
        byte[] hb = new byte[(int) headerLength];
        readFully(hb, 0, hb.length, "header");
        String h = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        Matcher f = FORTRAN.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) throw bad("unreadable .npy header " + Excerpt.quoted(h.trim()));
        String descr = d.group(1);
        if (!descr.matches("[<>=|][fiubSU][0-9]{1,6}")) throw bad("dtype " + Excerpt.quoted(descr) + " is not supported");
        this.kind = descr.charAt(1);
        this.itemSize = Integer.parseInt(descr.substring(2));
        // 'U' is UTF-32: four bytes a character; 'S' one. Numbers have their size.
        boolean text = kind == 'S' || kind == 'U';
        if (!text && itemSize != 1 && itemSize != 2 && itemSize != 4 && itemSize != 8) throw bad("dtype " + Excerpt.quoted(descr) + " is not supported");
        if (f.group(1).equals("True")) throw bad("the array is in Fortran order");
        String[] dims = s.group(1).split(",");
        long[] sh = new long[dims.length];
        int n = 0;
        for (String dim : dims) {
            if (dim.isBlank()) continue;
            try {
                sh[n] = Long.parseLong(dim.trim());
            } catch (NumberFormatException e) {
                throw bad("shape entry " + Excerpt.quoted(dim.trim()) + " is not an integer");
            }
            if (sh[n] < 0) throw bad("shape entry " + sh[n] + " is negative");
            n++;
        }
        this.shape = java.util.Arrays.copyOf(sh, n);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int bytes = kind == 'U' ? 4 * itemSize : itemSize;
        this.buf = ByteBuffer.allocate(Math.max(bytes, Math.min(1 << 16, 8192 * Math.max(1, bytes)))).order(order);
        buf.limit(0);
    }

    /** The number of values the shape holds (1 for a 0-d array). */
    long size() {
        long m = 1;
        for (long d : shape) m = Math.multiplyExact(m, d);
        return m;
    }

    /** Whether the dtype is an integer (signed, unsigned or bool). */
    boolean isInteger() {
        return kind == 'i' || kind == 'u' || kind == 'b';
    }

    /** The refusal of this entry, for {@code reason}. */
    IllegalArgumentException bad(String reason) {
        return new IllegalArgumentException(where + ": " + reason);
    }

    /** The next integer (an integer or bool dtype); refused where it does not fit a long (uint64 above 2^63). */
    long nextLong() throws IOException {
        fill(itemSize);
        switch (itemSize) {
            case 1: return kind == 'i' ? buf.get() : buf.get() & 0xff;
            case 2: return kind == 'i' ? buf.getShort() : buf.getShort() & 0xffff;
            case 4: return kind == 'i' ? buf.getInt() : buf.getInt() & 0xffffffffL;
            default: {
                long v = buf.getLong();
                if (kind == 'u' && v < 0) throw bad("value " + Long.toUnsignedString(v) + " is beyond 2^63");
                return v;
            }
        }
    }

    /** The next number as a double (a float, integer or bool dtype); float16 is refused. */
    double nextDouble() throws IOException {
        if (kind != 'f') return nextLong();
        fill(itemSize);
        if (itemSize == 4) return buf.getFloat();
        if (itemSize == 8) return buf.getDouble();
        throw bad("float" + 8 * itemSize + " values are not supported (float32 or float64 expected)");
    }

    /** The text of a 0-d or 1-element {@code S} or {@code U} array ({@code format.npy}). */
    String text() throws IOException {
        if (kind != 'S' && kind != 'U') throw bad("not a string");
        int bytes = kind == 'U' ? 4 * itemSize : itemSize;
        byte[] b = new byte[bytes];
        readFully(b, 0, b.length, "value");
        String s = kind == 'U' ? new String(b, buf.order() == ByteOrder.BIG_ENDIAN ? "UTF-32BE" : "UTF-32LE") : new String(b, StandardCharsets.ISO_8859_1);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** Makes {@code n} bytes available in {@link #buf}. */
    private void fill(int n) throws IOException {
        if (buf.remaining() >= n) return;
        buf.compact();
        while (buf.position() < n) {
            int r = read(buf.array(), buf.position(), buf.capacity() - buf.position());
            if (r < 0) {
                buf.flip();
                throw bad("truncated: the array ends before its shape " + java.util.Arrays.toString(shape) + " is filled");
            }
            buf.position(buf.position() + r);
        }
        buf.flip();
    }

    private void readFully(byte[] b, int off, int n, String what) throws IOException {
        for (int done = 0; done < n; ) {
            int r = read(b, off + done, n - done);
            if (r < 0) throw bad("truncated " + what);
            done += r;
        }
    }

    /**
     * {@code in.read}, where a damaged entry (a deflate stream cut short or corrupt, a wrong checksum: the
     * {@link java.util.zip.ZipException} or {@link java.io.EOFException} of an archive that opened) is bad content.
     */
    private int read(byte[] b, int off, int n) throws IOException {
        try {
            return in.read(b, off, n);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IllegalArgumentException(where + ": a damaged zip entry (" + Excerpt.of(String.valueOf(e.getMessage())) + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
