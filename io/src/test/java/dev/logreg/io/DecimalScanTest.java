package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CSV scanner's fast number path gives the bits the slow path (FastDoubleParser) gives, for every number it
 * decides, and leaves alone every form it cannot decide exactly.
 */
class DecimalScanTest {
    /** The fast path's float where it decides {@code text + ","}, else null. */
    private static Float fast(String text) {
        byte[] b = (text + ",").getBytes(StandardCharsets.US_ASCII);
        long r = DecimalScan.scan(b, 0, b.length, (byte) ',');
        if (r == DecimalScan.UNDECIDED) return null;
        assertEquals(b.length - 1, (int) (r >>> 32), "end of " + text);
        return Float.intBitsToFloat((int) r);
    }

    private static int slowBits(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return Float.floatToRawIntBits(JavaFloatParser.parseFloat(b, 0, b.length));
    }

    /** Checks {@code text}; true where the fast path decided it. */
    private static boolean check(String text) {
        Float f = fast(text);
        if (f == null) return false;
        int slow = slowBits(text);
        if (Float.floatToRawIntBits(f) != slow) {
            throw new AssertionError(text + ": fast " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + "), slow "
                    + Float.intBitsToFloat(slow) + " (0x" + Integer.toHexString(slow) + ")");
        }
        // The oracle itself agrees with Java's own parser.
        assertEquals(Float.floatToRawIntBits(Float.parseFloat(text)), slow, text);
        return true;
    }

    @Test
    void randomDecimalsOfEveryLengthAndScale() {
        SplittableRandom r = new SplittableRandom(19);
        int decided = 0;
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            int digits = 1 + r.nextInt(19);
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(3) == 0) sb.append('-');
            else if (r.nextInt(20) == 0) sb.append('+');
            for (int k = 0; k < digits; k++) sb.append((char) ('0' + r.nextInt(10)));
            int point = r.nextInt(digits + 2) - 1; // -1: no point
            if (point >= 0) sb.insert(sb.length() - digits + point, '.');
            if (r.nextInt(4) == 0) sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextInt(3) == 0 ? "-" : r.nextInt(5) == 0 ? "+" : "").append(r.nextInt(30));
            if (check(sb.toString())) decided++;
        }
        assertTrue(decided > n / 2, "the fast path decided only " + decided + " of " + n);
    }

    /** Values as data files write them: a float32 printed with 1 to 9 significant digits, and %.6f of Gaussians. */
    @Test
    void printedFloatsReadBackExactly() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
            String shortest = Float.toString(x);
            check(shortest);
            check(String.format(Locale.ROOT, "%.6f", r.nextGaussian()));
            check(new BigDecimal(x).round(new java.math.MathContext(1 + r.nextInt(9))).toPlainString());
        }
    }

    /**
     * Decimals exactly on, and one unit in the last digit either side of, the midpoint between two adjacent floats:
     * the double-rounding cases (round to double, then to float) that the fast path must refuse or get right.
     */
    @Test
    void roundingTiesBetweenFloats() {
        SplittableRandom r = new SplittableRandom(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            float a = Float.intBitsToFloat(r.nextInt(0x7f000000));
            if (!Float.isFinite(a)) continue;
            BigDecimal mid = new BigDecimal(a).add(new BigDecimal(Math.nextUp(a))).divide(BigDecimal.valueOf(2));
            texts.add(mid.toString());
            for (int digits : new int[] {9, 12, 15, 16, 17}) {
                BigDecimal near = mid.round(new java.math.MathContext(digits));
                texts.add(near.toString());
                texts.add(near.add(near.ulp()).toString());
                texts.add(near.subtract(near.ulp()).toString());
            }
        }
        // Midpoints with short decimals, where double rounding bites: x = (2k + 1) * 2^-25 near 1 and the like.
        for (int k = 0; k < 2000; k++) {
            BigDecimal mid = BigDecimal.ONE.add(BigDecimal.valueOf(2L * k + 1).multiply(new BigDecimal(Math.scalb(1.0, -24))));
            texts.add(mid.toPlainString());
            texts.add(mid.add(new BigDecimal("1e-30")).toPlainString());
            texts.add(mid.subtract(new BigDecimal("1e-30")).toPlainString());
        }
        for (String t : texts) check(t);
    }

    @Test
    void edgeCases() {
        for (String t : new String[] {"0", "-0", "+0", "0.0", "-0.0", "0e5", "-0e-400", "1", "-1", "1.", ".5", "-.5", "00012.5000",
            "123456789", "1234567890123456", "9007199254740991", "9007199254740993", "16777217", "16777216.5", "0.1", "0.2", "0.3",
            "3.4028235e38", "3.4028236e38", "1e22", "1e23", "1e-22", "1e-23", "1.17549435e-38", "1.4e-45", "7e-46", "1e-50",
            "1e39", "-1e39", "1e38", "123456789012345678", "1234567890123456789", "1E5", "1e+5", "1e-5", "4.9406564584124654e-324"}) {
            check(t);
        }
        // Decided: the common forms.
        for (String t : new String[] {"0", "-0", "1.", ".5", "0.1", "-1.234567", "1e22", "1e-22", "123456789"}) {
            assertTrue(fast(t) != null, t + " should be decided by the fast path");
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(fast("-0")));
        // Left to the slow path: what it alone parses or refuses (and words the message of).
        for (String t : new String[] {"", "-", "+", ".", "e5", "1e", "1e+", "1.5f", "1d", "0x1p3", "NaN", "Infinity", "-Infinity",
            "1e39", "1e-30", "1.4e-45", "12345678901234567890", "1..2", "1.2.3", "--1", "1 2", "\"1\""}) {
            assertEquals(null, fast(t), t + " should be left to the slow path");
        }
    }

    /** Where the field ends: spaces and tabs around the number, CRLF, the bytes running out, a tab separator. */
    @Test
    void fieldEnds() {
        byte[] b = " \t-1.5 \t,2\r\n".getBytes(StandardCharsets.US_ASCII);
        long r = DecimalScan.scan(b, 0, b.length, (byte) ',');
        assertEquals(8, (int) (r >>> 32));
        assertEquals(-1.5f, Float.intBitsToFloat((int) r));
        r = DecimalScan.scan(b, 9, b.length, (byte) ',');
        assertEquals(10, (int) (r >>> 32)); // the '\r' of "\r\n"
        assertEquals(DecimalScan.UNDECIDED, DecimalScan.scan(b, 9, 11, (byte) ','), "a '\\r' whose '\\n' is not read yet");
        assertEquals(DecimalScan.UNDECIDED, DecimalScan.scan(b, 0, 5, (byte) ','), "bytes end inside the field");
        assertEquals(DecimalScan.UNDECIDED, DecimalScan.scan("1\r,".getBytes(StandardCharsets.US_ASCII), 0, 3, (byte) ','));
        byte[] tsv = "1.5\t2\n".getBytes(StandardCharsets.US_ASCII);
        r = DecimalScan.scan(tsv, 0, tsv.length, (byte) '\t');
        assertEquals(3, (int) (r >>> 32), "a tab separator is not skipped as a space");
        assertTrue(!DecimalScan.usableWith((byte) '.') && !DecimalScan.usableWith((byte) '5') && DecimalScan.usableWith((byte) ';'));
    }
}
