package dev.logreg.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CSV scanner's fast path for one number: scans a plain decimal ({@code [+-]digits[.digits][(e|E)[+-]digits]})
 * straight from the bytes, in the same pass that finds where the field ends, and converts it exactly, with no String
 * or object made. It decides only what it can decide exactly and leaves everything else to FastDoubleParser (the
 * slow path, which also words the errors): the result is always the bits {@code Float.parseFloat} gives.
 *
 * <p>Why it is exact: the digits form an integer {@code m < 2^53} and a decimal exponent {@code e} with
 * {@code |e| <= 22}, so {@code m} and {@code 10^|e|} are exact doubles and one IEEE multiplication or division
 * gives {@code d}, the double nearest to the decimal's value {@code x} (Clinger's fast path). Rounding {@code d} to
 * float32 gives the float nearest to {@code x} unless a float32 rounding boundary (a midpoint between two adjacent
 * floats, itself a double) lies between {@code x} and {@code d} or on either: one strictly between would be a double
 * nearer to {@code x} than {@code d}, which cannot be; one equal to {@code x} makes {@code x} a double, so
 * {@code d == x}. So the one case to refuse is {@code d} exactly on a midpoint, which is checked. Longer mantissas,
 * larger exponents (subnormals, overflow) and any other form (hex, NaN, Infinity, a type suffix) go the slow way.
 * Stateless.
 */
final class DecimalScan {
    private DecimalScan() {}

    /** The result when the fast path cannot decide: the caller parses the field the slow way. */
    static final long UNDECIDED = -1L;

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    private static final long MAX_EXACT = 1L << 53;

    /** Whether the fast path can be used with field separator {@code delim} (not one of the bytes of a number). */
    static boolean usableWith(byte delim) {
        return !(delim >= '0' && delim <= '9') && delim != '.' && delim != '+' && delim != '-' && delim != 'e' && delim != 'E';
    }

    /**
     * Scans the number that starts at {@code p} (after spaces and tabs that are not {@code delim}) and the spaces and
     * tabs after it. Where the field ends right there, at {@code delim}, at {@code '\n'}, or at {@code "\r\n"}, returns
     * {@code (end << 32) | floatBits}, {@code end} the index of that delimiter or line end ({@code '\r'} included); else
     * {@link #UNDECIDED} (another form, a number the fast path leaves alone, or the bytes end at {@code len} first).
     */
    static long scan(byte[] b, int p, int len, byte delim) {
        if (p + 20 <= len) {
            long r = scanShort(b, p, delim);
            if (r != UNDECIDED) return r;
        }
        return scanAny(b, p, len, delim);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final float[] POW10_FLOAT = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f};
    private static final long[] POW10_LONG = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L};

    /**
     * The common form, eight bytes at a time: {@code [-]D{1,7}[.D{0,7}]} ended by {@code delim}, {@code '\n'} or
     * {@code "\r\n"}; {@link #UNDECIDED} for anything else (which {@link #scanAny} then reads a byte at a time). Reads
     * at most 20 bytes from {@code p}, which the caller has.
     */
    private static long scanShort(byte[] b, int p, byte delim) {
        int negative = (((b[p] & 0xff) ^ '-') - 1) >>> 31; // 1 for '-', else 0: no branch on the sign (random in data)
        p += negative;
        long v = (long) LONG_LE.get(b, p) ^ 0x3030303030303030L; // digit bytes become 0..9
        int k = digitRun(v);
        if (k == 0 || k == 8) return UNDECIDED;
        long m = k == 1 ? v & 0xF : digitsValue(v, k); // one digit before the point is the common case
        p += k;
        int fraction = 0;
        if (b[p] == '.') {
            p++;
            long w = (long) LONG_LE.get(b, p) ^ 0x3030303030303030L;
            fraction = digitRun(w);
            if (fraction == 8) return UNDECIDED;
            if (fraction > 0) m = m * POW10_LONG[fraction] + digitsValue(w, fraction);
            p += fraction;
        }
        byte c = b[p];
        if (c == '\r') {
            if (b[p + 1] != '\n') return UNDECIDED;
        } else if (c != delim && c != '\n') {
            return UNDECIDED;
        }
        float f;
        if (m < 1 << 24) {
            f = (float) m / POW10_FLOAT[fraction]; // both exact floats: one float division rounds correctly
        } else {
            double d = m / POW10[fraction]; // m < 10^14: exact, and so is 10^fraction
            if ((Double.doubleToRawLongBits(d) & MIDPOINT_MASK) == MIDPOINT) return UNDECIDED;
            f = (float) d;
        }
        return ((long) p << 32) | ((Float.floatToRawIntBits(f) | (negative << 31)) & 0xffffffffL);
    }

    /**
     * The low 29 bits of a double's 52-bit fraction, and their value where the double lies exactly halfway between
     * two adjacent float32s (float32 keeps 23 fraction bits). Valid for doubles in float32's normal range, which every
     * double the fast path makes is in (from 10^-22 to 2^53 x 10^22).
     */
    private static final long MIDPOINT_MASK = (1L << 29) - 1;
    private static final long MIDPOINT = 1L << 28;

    /** How many of the eight bytes of {@code x} (each a byte XOR '0', the first in the low byte) are digits 0..9. */
    private static int digitRun(long x) {
        // A byte's high bit ends up set where it is not 0..9: it is 0x80 or more, or 10 or more (adding 0x76 carries
        // into bit 7; the byte's high bit is masked first, so no carry crosses into the next byte).
        long nonDigit = (((x & 0x7F7F7F7F7F7F7F7FL) + 0x7676767676767676L) | x) & 0x8080808080808080L;
        return nonDigit == 0 ? 8 : Long.numberOfTrailingZeros(nonDigit) >>> 3;
    }

    /** The number the first {@code k} (1 to 8) digit bytes of {@code x} (as for {@link #digitRun}) write. */
    private static long digitsValue(long x, int k) {
        x = (x << ((8 - k) << 3)) & 0x0F0F0F0F0F0F0F0FL; // the digits at the top, leading zero digits below
        x = (x * 2561) >>> 8;                                   // pairs: 10 * first + second
        x = ((x & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;       // fours
        return ((x & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32; // eight
    }

    /** {@link #scan}, a byte at a time: every form the fast path decides. */
    private static long scanAny(byte[] b, int p, int len, byte delim) {
        while (p < len && (b[p] == ' ' || b[p] == '\t') && b[p] != delim) p++;
        if (p >= len) return UNDECIDED;
        boolean negative = false;
        byte c = b[p];
        if (c == '-' || c == '+') {
            negative = c == '-';
            p++;
        }
        long m = 0;
        int digits = 0;      // significant digits in m (leading zeros not counted)
        int anyDigits = 0;   // digits of the mantissa, zeros included
        int exp10 = 0;
        while (p < len) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) break;
            if (m != 0 || d != 0) {
                if (++digits > 18) return UNDECIDED;
                m = m * 10 + d;
            }
            anyDigits++;
            p++;
        }
        if (p < len && b[p] == '.') {
            p++;
            while (p < len) {
                int d = b[p] - '0';
                if (d < 0 || d > 9) break;
                if (m != 0 || d != 0) {
                    if (++digits > 18) return UNDECIDED;
                    m = m * 10 + d;
                }
                exp10--;
                anyDigits++;
                p++;
            }
        }
        if (anyDigits == 0 || p >= len) return UNDECIDED;
        c = b[p];
        if (c == 'e' || c == 'E') {
            p++;
            if (p >= len) return UNDECIDED;
            boolean expNegative = false;
            if (b[p] == '-' || b[p] == '+') {
                expNegative = b[p] == '-';
                p++;
            }
            int e = 0;
            int expDigits = 0;
            while (p < len) {
                int d = b[p] - '0';
                if (d < 0 || d > 9) break;
                if (e < 100_000) e = e * 10 + d;
                expDigits++;
                p++;
            }
            if (expDigits == 0) return UNDECIDED;
            exp10 += expNegative ? -e : e;
        }
        while (p < len && (b[p] == ' ' || b[p] == '\t') && b[p] != delim) p++;
        if (p >= len) return UNDECIDED;
        c = b[p];
        if (c == '\r') {
            if (p + 1 >= len || b[p + 1] != '\n') return UNDECIDED;
        } else if (c != delim && c != '\n') {
            return UNDECIDED;
        }
        float f;
        if (m == 0) {
            f = negative ? -0f : 0f;
        } else {
            if (m >= MAX_EXACT || exp10 < -22 || exp10 > 22) return UNDECIDED;
            double d = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
            if ((Double.doubleToRawLongBits(d) & MIDPOINT_MASK) == MIDPOINT) return UNDECIDED; // on a float32 midpoint
            f = (float) d;
            if (negative) f = -f;
        }
        return ((long) p << 32) | (Float.floatToRawIntBits(f) & 0xffffffffL);
    }
}
