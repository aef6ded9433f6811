package dev.logreg.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The classes of a labelled file, in the order the library numbers them: class index c ∈ [0, K) stands for the
 * file's value {@link #name(int) name(c)}. Kept in the model file so that predictions are written back in the
 * encoding the user trained with.
 *
 * <p><b>The order rule.</b> Classes are sorted: numbers in increasing numeric order ({@code -1 < 0 < 2 < 10}),
 * strings in lexicographic order of their UTF-16 code units ({@link String#compareTo}: {@code "class_10" <
 * "class_2"}, upper case before lower case). A column is numeric when every label in it is a number (then
 * {@code "1"} and {@code "1.0"} are one class); numeric labels must be integers (|v| ≤ 2⁵³), since a fractional
 * label is far more often a regression target by mistake than a class. Two classes that are 0/1 or -1/+1 (or a
 * subset: a file of only 1s) map to the binary classes exactly as before: the negative value (0 or -1) is class 0 and
 * 1 is class 1, so binary files and their model files behave as they always did.
 *
 * <p>Immutable and thread-safe.
 */
public final class LabelMapping {
    /** Labels 0 and 1. */
    public static final LabelMapping ZERO_ONE = ofNumbers(0, 1);
    /** Labels -1 and +1 (common in LIBSVM files). */
    public static final LabelMapping MINUS_ONE_PLUS_ONE = ofNumbers(-1, 1);

    /** The largest magnitude of a numeric label (every integer up to it is exact in float64). */
    public static final double MAX_NUMERIC_LABEL = 0x1p53;

    private final double[] values; // numeric classes in increasing order, or null for text classes
    private final List<String> names;
    private final Map<String, Integer> index; // text classes only

    private LabelMapping(double[] values, List<String> names) {
        this.values = values;
        this.names = Collections.unmodifiableList(names);
        if (values == null) {
            Map<String, Integer> m = new HashMap<>(names.size() * 2);
            for (int c = 0; c < names.size(); c++) m.put(names.get(c), c);
            this.index = m;
        } else {
            this.index = null;
        }
    }

    /**
     * Numeric classes, sorted into increasing order.
     *
     * @throws IllegalArgumentException on no value, a repeated value, or one that is not an integer of magnitude
     *                                  at most {@link #MAX_NUMERIC_LABEL}
     */
    public static LabelMapping ofNumbers(double... classes) {
        if (classes.length == 0) throw new IllegalArgumentException("no classes");
        double[] v = classes.clone();
        for (double x : v) {
            if (!isClassNumber(x)) throw new IllegalArgumentException("class label " + x + " is not an integer of magnitude at most 2^53");
        }
        Arrays.sort(v);
        List<String> names = new ArrayList<>(v.length);
        for (int c = 0; c < v.length; c++) {
            if (c > 0 && v[c] == v[c - 1]) throw new IllegalArgumentException("class label " + format(v[c]) + " appears twice");
            names.add(format(v[c]));
        }
        return new LabelMapping(v, names);
    }

    /**
     * Text classes, sorted lexicographically ({@link String#compareTo}).
     *
     * @throws IllegalArgumentException on no class, a repeated one, or an empty one
     */
    public static LabelMapping ofStrings(Collection<String> classes) {
        if (classes.isEmpty()) throw new IllegalArgumentException("no classes");
        TreeSet<String> sorted = new TreeSet<>();
        for (String s : classes) {
            if (s == null || s.isEmpty()) throw new IllegalArgumentException("a class label is empty");
            if (!sorted.add(s)) throw new IllegalArgumentException("class label " + Excerpt.quoted(s) + " appears twice");
        }
        return new LabelMapping(null, new ArrayList<>(sorted));
    }

    /** Whether {@code v} can be a numeric class label: an integer of magnitude at most {@link #MAX_NUMERIC_LABEL}. */
    public static boolean isClassNumber(double v) {
        return Math.abs(v) <= MAX_NUMERIC_LABEL && v == Math.rint(v);
    }

    /** Number of classes K (1 for a file holding a single non-binary label). */
    public int classes() {
        return names.size();
    }

    /** Whether the classes are numbers (else text). */
    public boolean numeric() {
        return values != null;
    }

    /** The file's label of class {@code c}, as text ({@code "1"}, {@code "-1"}, {@code "class_0"}). */
    public String name(int c) {
        return names.get(c);
    }

    /** Every class's label as text, in class order. Unmodifiable. */
    public List<String> names() {
        return names;
    }

    /** The numeric label of class {@code c}. @throws IllegalStateException for text classes */
    public double value(int c) {
        if (values == null) throw new IllegalStateException("the classes are text, not numbers");
        return values[c];
    }

    /** The class of the numeric label {@code v}, or -1 where it is not one (or the classes are text). */
    public int indexOf(double v) {
        if (values == null) return -1;
        // binarySearch orders -0.0 before 0.0 (Double.compare), and would not find the label 0 written "-0".
        int i = Arrays.binarySearch(values, v == 0 ? 0.0 : v);
        return i >= 0 && values[i] == v ? i : -1;
    }

    /**
     * The class of a label as a file writes it: parsed as a number for numeric classes ({@code "1.0"} is class
     * {@code 1}), matched exactly for text; -1 where it is not a class.
     */
    public int indexOf(String label) {
        if (values == null) {
            Integer c = index.get(label);
            return c == null ? -1 : c;
        }
        try {
            return indexOf(Double.parseDouble(label.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether these are the binary 0/1 or -1/+1 classes (the ones the first model-file version records). */
    public boolean isNumericBinary() {
        return equals(ZERO_ONE) || equals(MINUS_ONE_PLUS_ONE);
    }

    /** The file's value of class 0 of a binary numeric mapping. @throws IllegalStateException otherwise */
    public double negative() {
        requireNumericBinary();
        return values[0];
    }

    /** The file's value of class 1 of a binary numeric mapping. @throws IllegalStateException otherwise */
    public double positive() {
        requireNumericBinary();
        return values[1];
    }

    private void requireNumericBinary() {
        if (values == null || values.length != 2) throw new IllegalStateException("classes " + this + " are not two numbers");
    }

    /** The file's numeric value for class {@code label}. @throws IllegalStateException for text classes */
    public double toFile(int label) {
        return value(label);
    }

    /** The file's label of class {@code label} as text: the same as {@link #name}. */
    public String format(int label) {
        return name(label);
    }

    /** An integer-valued label as text: {@code 1}, {@code -1}, {@code 10}. */
    static String format(double v) {
        return Long.toString((long) v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMapping m && Arrays.equals(values, m.values) && names.equals(m.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + (values == null ? 0 : 1);
    }

    /** The classes, bounded ({@link Excerpt#list}): {@code [0, 1]}, {@code ["a", "b"]}. */
    @Override
    public String toString() {
        return values != null ? "[" + Excerpt.of(String.join(", ", names)) + "]" : Excerpt.list(names);
    }
}
