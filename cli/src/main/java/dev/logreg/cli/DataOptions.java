package dev.logreg.cli;

import dev.logreg.io.DataFormat;
import dev.logreg.io.Excerpt;
import dev.logreg.io.ReadOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options that say where the data are and how to read them; shared by train, predict and evaluate. */
final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data file: CSV with a header, LIBSVM text, a 2-D .npy matrix, or a SciPy sparse .npz (CSR).")
    Path data;

    @Option(names = "--format", paramLabel = "csv|libsvm|npy|npz",
            description = "File format (default: from the file name: .npy, .npz, .libsvm/.svm/.txt, else csv).")
    String format;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", description = "CSV field separator (default: ${DEFAULT-VALUE}; 'tab' or '\\t' for tabs).")
    String delimiter;

    @Option(names = "--labels", paramLabel = "FILE.npy",
            description = "NPY and NPZ: labels in a separate 1-D .npy file (default for .npy: the matrix's last column; an .npz has none of its own).")
    Path labelsFile;

    @Option(names = "--features", paramLabel = "N",
            description = "LIBSVM and NPZ: the number of features; a LIBSVM index above it is refused (default: the largest index read; the model's when scoring).")
    Integer features;

    /** The read options these flags describe, on top of {@code base}. */
    ReadOptions readOptions(ReadOptions base) {
        ReadOptions r = base.withFormat(format == null ? null : DataFormat.parse(format)).withDelimiter(delimiterChar()).withLabelsFile(labelsFile);
        DataFormat f = r.format() != null ? r.format() : DataFormat.fromFileName(data);
        if (labelsFile != null && f != DataFormat.NPY && f != DataFormat.NPZ) {
            throw new IllegalArgumentException("--labels FILE.npy applies to .npy and .npz data only; for " + f.id() + " the labels are in the data file");
        }
        if (features != null) {
            if (f != DataFormat.LIBSVM && f != DataFormat.NPZ) {
                throw new IllegalArgumentException("--features applies to LIBSVM and .npz data; a " + f.id() + " file's width is its columns");
            }
            if (features < 1) throw new IllegalArgumentException("--features is " + features + ", expected at least 1");
            if (base.featureCount() > 0 && base.featureCount() != features) {
                throw new IllegalArgumentException("--features is " + features + ", but the model has " + base.featureCount() + " features");
            }
            r = r.withFeatureCount(features);
        }
        return r;
    }

    private char delimiterChar() {
        String d = delimiter;
        if (d.equals("\\t") || d.equalsIgnoreCase("tab")) return '\t';
        if (d.length() != 1) throw new IllegalArgumentException("--delimiter is " + Excerpt.quoted(d) + ", expected one character (or 'tab')");
        return d.charAt(0);
    }
}
