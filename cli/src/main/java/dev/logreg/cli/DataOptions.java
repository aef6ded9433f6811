package dev.logreg.cli;

import dev.logreg.io.DataFormat;
import dev.logreg.io.Excerpt;
import dev.logreg.io.ReadOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options that say where the data are and how to read them; shared by train, predict and evaluate. */
final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data file: CSV with a header, LIBSVM text, or a 2-D .npy matrix.")
    Path data;

    @Option(names = "--format", paramLabel = "csv|libsvm|npy",
            description = "File format (default: from the file name: .npy, .libsvm/.svm/.txt, else csv).")
    String format;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", description = "CSV field separator (default: ${DEFAULT-VALUE}; 'tab' or '\\t' for tabs).")
    String delimiter;

    @Option(names = "--labels", paramLabel = "FILE.npy", description = "NPY only: labels in a separate 1-D .npy file (default: the matrix's last column).")
    Path labelsFile;

    /** The read options these flags describe, on top of {@code base}. */
    ReadOptions readOptions(ReadOptions base) {
        ReadOptions r = base.withFormat(format == null ? null : DataFormat.parse(format)).withDelimiter(delimiterChar()).withLabelsFile(labelsFile);
        DataFormat f = r.format() != null ? r.format() : DataFormat.fromFileName(data);
        if (labelsFile != null && f != DataFormat.NPY) {
            throw new IllegalArgumentException("--labels FILE.npy applies to .npy data only; for " + f.id() + " the labels are in the data file");
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
