package dev.logreg.io;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats the readers understand. */
public enum DataFormat {
    /** Comma- (or otherwise-) separated text with a header line. */
    CSV,
    /** LIBSVM / SVMlight text: {@code label index:value ...}, 1-based ascending indices. */
    LIBSVM,
    /** NumPy {@code .npy}: a 2-D float32 or float64 C-order matrix. */
    NPY,
    /** SciPy {@code .npz}: a CSR matrix as {@code scipy.sparse.save_npz} writes it (labels in a separate {@code .npy}). */
    NPZ;

    /** Lower-case name, as written on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code csv | libsvm | svmlight | npy | npz} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the text and the accepted values
     */
    public static DataFormat parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "csv": return CSV;
            case "libsvm": case "svmlight": case "svm": return LIBSVM;
            case "npy": return NPY;
            case "npz": return NPZ;
            default: throw new IllegalArgumentException("format " + Excerpt.quoted(text) + " is not one of csv, libsvm, npy, npz");
        }
    }

    /**
     * Guesses the format from the file name: {@code .npy} is NPY; {@code .npz} is NPZ; {@code .libsvm}, {@code .svm}, {@code .svmlight}
     * and {@code .txt} are LIBSVM; anything else is CSV.
     */
    public static DataFormat fromFileName(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".npy")) return NPY;
        if (n.endsWith(".npz")) return NPZ;
        if (n.endsWith(".libsvm") || n.endsWith(".svm") || n.endsWith(".svmlight") || n.endsWith(".txt")) return LIBSVM;
        return CSV;
    }
}
