package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import dev.logreg.data.Dataset;

import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Turns a file's labels into class indices as the file streams past. Two modes:
 *
 * <ul>
 *   <li>Finding the classes (training): each distinct label gets a provisional id in order of first appearance
 *   (exact in a float label buffer, there being at most {@link Dataset#MAX_CLASSES}); {@link #finish} then sorts the
 *   classes ({@link LabelMapping}'s rule) and gives the map from provisional id to class index, which
 *   {@link #apply} writes over the label buffers. The buffers are rewritten rather than the classes fixed in
 *   advance because the sorted order is known only once the last row has been read.</li>
 *   <li>Known classes (a model's, for evaluation or prediction): each label is looked up directly and one that is
 *   not a class of the model is refused with its line.</li>
 * </ul>
 * Not thread-safe; one per read (or per piece of a parallel read, joined by {@link #finish(List, Object, LongFunction)}).
 */
final class LabelDecoder {
    private final LabelMapping known;
    // A binary 0/1 or -1/+1 model: the file finds its own encoding (either), as binary files always have.
    private final LabelMapping expectBinary;
    private final HashMap<Object, Integer> ids = new HashMap<>();
    private final List<Object> keys = new ArrayList<>();
    private long[] firstLine = new long[16];
    // The last text label and its id: labels repeat, so most rows are decided by a byte compare, with no String made.
    private byte[] lastText = new byte[64];
    private int lastLength = -1;
    private int lastId;
    // The id + 1 of each one-byte label seen (0: not yet), the common 0/1 labels: alternating, they defeat lastText.
    private final int[] oneByte = new int[256];
    // The id + 1 of each small integer label seen (-128..127; 0: not yet), the common 0/1 and -1/+1 numeric labels:
    // decided without boxing a Double and hashing it, which was most of reading a million .npy labels.
    private final int[] smallNumber = new int[256];

    /** @param classes the classes labels must be among ({@link ReadOptions#classes}), or {@code null} to find them */
    LabelDecoder(LabelMapping classes) {
        boolean binary = classes != null && classes.isNumericBinary();
        this.known = binary ? null : classes;
        this.expectBinary = binary ? classes : null;
    }

    /** The classes labels must be among, or null where they are being found. */
    LabelMapping known() {
        return known;
    }

    /** What {@link #finish} found: the classes, and per decoder the provisional id → class index map (null: none needed). */
    record Result(LabelMapping mapping, List<int[]> remap) {
    }

    /**
     * The id of the text label {@code b[off, off + n)} (spaces and tabs around it already trimmed, not empty), read
     * on {@code line}; -1 where classes are known and it is not one of them.
     */
    int text(byte[] b, int off, int n, long line) {
        if (n == 1 && oneByte[b[off] & 0xff] > 0) return oneByte[b[off] & 0xff] - 1;
        if (n == lastLength && Arrays.equals(b, off, off + n, lastText, 0, n)) return lastId;
        String s = new String(b, off, n, StandardCharsets.UTF_8);
        int id;
        if (known != null) {
            id = known.indexOf(s);
        } else {
            id = add(s, line);
        }
        if (id >= 0) {
            if (n == 1) oneByte[b[off] & 0xff] = id + 1;
            if (lastText.length < n) lastText = new byte[Math.max(n, lastText.length * 2)];
            System.arraycopy(b, off, lastText, 0, n);
            lastLength = n;
            lastId = id;
        }
        return id;
    }

    /**
     * The id of the numeric label {@code v} read on {@code line} (LIBSVM, {@code .npy}); -1 where classes are known and
     * it is not one of them. The caller has checked {@link LabelMapping#isClassNumber}.
     */
    int number(double v, long line) {
        if (known != null) return known.indexOf(v);
        int small = (int) v;
        boolean isSmall = small == v && small >= -128 && small < 128;  // -0.0 too; NaN is never small
        if (isSmall && smallNumber[small + 128] > 0) return smallNumber[small + 128] - 1;
        int id = add(v == 0 ? 0.0 : v, line); // -0.0 is the label 0
        if (isSmall) smallNumber[small + 128] = id + 1;
        return id;
    }

    private int add(Object key, long line) {
        Integer id = ids.get(key);
        if (id != null) return id;
        if (keys.size() >= Dataset.MAX_CLASSES) {
            throw new IllegalArgumentException("more than " + Dataset.MAX_CLASSES + " distinct labels; is this column a class label?");
        }
        int k = keys.size();
        ids.put(key, k);
        keys.add(key);
        if (k == firstLine.length) firstLine = Arrays.copyOf(firstLine, k * 2);
        firstLine[k] = line;
        return k;
    }

    /**
     * The classes and the id map of this one decoder; {@code file} names the file and {@code where} turns a line
     * number into a message prefix naming the file and line.
     */
    Result finish(Object file, LongFunction<String> where) {
        return finish(List.of(this), file, where);
    }

    /**
     * The classes found by every decoder of {@code parts} together (the pieces of one file), and each piece's map from
     * its provisional ids to class indices.
     *
     * @throws IllegalArgumentException where the labels are numbers and one is not an integer (naming its line)
     */
    static Result finish(List<LabelDecoder> parts, Object file, LongFunction<String> where) {
        LabelMapping known = parts.get(0).known;
        if (known != null) return new Result(known, null);
        // Join the pieces' labels, keeping the earliest line of each for messages.
        HashMap<Object, Long> lines = new HashMap<>();
        for (LabelDecoder d : parts) {
            for (int i = 0; i < d.keys.size(); i++) lines.merge(d.keys.get(i), d.firstLine[i], Math::min);
        }
        if (lines.isEmpty()) return new Result(parts.get(0).expectBinary != null ? parts.get(0).expectBinary : LabelMapping.ZERO_ONE, null); // no labels in the file
        boolean allNumbers = true;
        HashMap<Object, Double> value = new HashMap<>();
        for (Object key : lines.keySet()) {
            double v;
            if (key instanceof Double d) {
                v = d;
            } else {
                try {
                    v = JavaDoubleParser.parseDouble((String) key);
                } catch (NumberFormatException e) {
                    allNumbers = false;
                    continue;
                }
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(where.apply(lines.get(key)) + "label " + Excerpt.quoted((String) key) + " is not a finite number");
                }
            }
            value.put(key, v);
        }
        LabelMapping mapping;
        if (allNumbers) {
            TreeSet<Double> distinct = new TreeSet<>();
            for (var e : value.entrySet()) {
                double v = e.getValue();
                if (!LabelMapping.isClassNumber(v)) {
                    throw new IllegalArgumentException(where.apply(lines.get(e.getKey())) + "label " + show(e.getKey())
                            + " is not an integer; class labels are integers (up to 2^53) or text");
                }
                distinct.add(v == 0 ? 0.0 : v);
            }
            mapping = binary(distinct);
            if (mapping == null) mapping = LabelMapping.ofNumbers(distinct.stream().mapToDouble(Double::doubleValue).toArray());
        } else {
            TreeSet<String> names = new TreeSet<>();
            for (Object key : lines.keySet()) names.add((String) key);
            mapping = LabelMapping.ofStrings(names);
        }
        LabelMapping expected = parts.get(0).expectBinary;
        if (expected != null && !mapping.isNumericBinary()) {
            throw new IllegalArgumentException(file + ": labels " + mapping
                    + " are not the model's classes " + expected + " (0/1 or -1/+1)");
        }
        List<int[]> remap = new ArrayList<>();
        for (LabelDecoder d : parts) {
            int[] r = new int[d.keys.size()];
            for (int i = 0; i < r.length; i++) {
                Object key = d.keys.get(i);
                r[i] = allNumbers ? mapping.indexOf(value.get(key).doubleValue()) : mapping.indexOf((String) key);
            }
            remap.add(r);
        }
        return new Result(mapping, remap);
    }

    /** 0/1 or -1/+1 (or part of either): the binary mapping, as files have always been read; else null. */
    private static LabelMapping binary(TreeSet<Double> values) {
        if (values.size() <= 2) {
            boolean zeroOne = true;
            boolean minusOne = true;
            for (double v : values) {
                zeroOne &= v == 0 || v == 1;
                minusOne &= v == -1 || v == 1;
            }
            if (zeroOne) return LabelMapping.ZERO_ONE;
            if (minusOne) return LabelMapping.MINUS_ONE_PLUS_ONE;
        }
        return null;
    }

    private static String show(Object key) {
        return key instanceof String s ? Excerpt.quoted(s) : LabelMapping.isClassNumber((Double) key) ? LabelMapping.format((Double) key) : key.toString();
    }

    /** Rewrites the provisional ids in {@code y[0, count)} as class indices ({@code remap == null}: nothing to do). */
    static void apply(FloatBuffer y, int count, int[] remap) {
        if (remap == null) return;
        for (int i = 0; i < count; i++) y.put(i, remap[(int) y.get(i)]);
    }

    /** Rewrites the provisional ids in {@code y} as class indices ({@code remap == null}: nothing to do). */
    static void apply(float[] y, int count, int[] remap) {
        if (remap == null) return;
        for (int i = 0; i < count; i++) y[i] = remap[(int) y[i]];
    }

    /** K for a dataset of {@code mapping}'s classes: at least 2 (a file of one class is still read; training refuses it). */
    static int datasetClasses(LabelMapping mapping) {
        return Math.max(2, mapping.classes());
    }

    /** The message for a label that is not a class of the model. */
    static String notAClass(String label, LabelMapping known) {
        return "label " + label + " is not one of the model's classes " + known;
    }
}
