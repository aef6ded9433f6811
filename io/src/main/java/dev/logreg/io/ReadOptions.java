package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to read a data file. Immutable; change it with the {@code with...} methods, starting from {@link #DEFAULT}.
 *
 * @param format        the file format, or {@code null} to guess it from the file name ({@link DataFormat#fromFileName})
 * @param delimiter     CSV field separator (',' by default)
 * @param labelColumn   CSV: name of the label column ({@code label} by default)
 * @param weightColumn  CSV: name of the sample-weight column, or {@code null} for unit weights
 * @param labelRequired whether a file without labels is an error (true for training and evaluation; false for
 *                      prediction, where the labels are then reported absent and every label is a placeholder 0)
 * @param featureNames  CSV: the feature columns to read, by header name and in this order (a model's features; other
 *                      columns are ignored, a missing one is an error), or {@code null} for every column but the label
 *                      and weight columns, in file order
 * @param featureCount  LIBSVM and NPY: the number of features expected (a model's), or 0 to take it from the file
 * @param labelsFile    NPY: a separate {@code .npy} file of labels (one per row), or {@code null} for the last column
 * @param classes       the classes labels must be among (a model's, for evaluation and prediction), or {@code null} to
 *                      find them in the file ({@link LabelMapping}'s order rule). With the binary 0/1 or -1/+1 classes a
 *                      file may use either encoding, as it always could; a label that is not a class is an error
 * @param columnSums    NPY and CSV: whether the validating read also gathers the rows' column sums ({@link Dataset#columnSums()}),
 *                      so that a fit's column statistics need no pass of their own (true by default: reading is mostly
 *                      for training; scoring, which never uses them, turns it off and saves the arithmetic)
 */
public record ReadOptions(DataFormat format, char delimiter, String labelColumn, String weightColumn, boolean labelRequired,
                          List<String> featureNames, int featureCount, Path labelsFile,
                          LabelMapping classes, boolean columnSums) {
    /** Format from the file name, ',' delimiter, label column {@code label}, no weights, labels required, column sums gathered. */
    public static final ReadOptions DEFAULT = new ReadOptions(null, ',', "label", null, true, null, 0, null, null, true);

    /** The options before {@code columnSums} was one, which gather them. */
    public ReadOptions(DataFormat format, char delimiter, String labelColumn, String weightColumn, boolean labelRequired,
                       List<String> featureNames, int featureCount, Path labelsFile, LabelMapping classes) {
        this(format, delimiter, labelColumn, weightColumn, labelRequired, featureNames, featureCount, labelsFile, classes, true);
    }

    public ReadOptions {
        Objects.requireNonNull(labelColumn, "labelColumn");
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter '" + delimiter + "' cannot separate fields; use ',', ';', '\\t' or similar");
        }
        if (featureCount < 0) throw new IllegalArgumentException("feature count is " + featureCount + ", expected 0 (from the file) or more");
        featureNames = featureNames == null ? null : List.copyOf(featureNames);
    }

    /** This with the format {@code f} ({@code null}: from the file name). */
    public ReadOptions withFormat(DataFormat f) { return new ReadOptions(f, delimiter, labelColumn, weightColumn, labelRequired, featureNames, featureCount, labelsFile, classes, columnSums); }

    /** This with CSV field separator {@code d}. */
    public ReadOptions withDelimiter(char d) { return new ReadOptions(format, d, labelColumn, weightColumn, labelRequired, featureNames, featureCount, labelsFile, classes, columnSums); }

    /** This with CSV label column {@code c}. */
    public ReadOptions withLabelColumn(String c) { return new ReadOptions(format, delimiter, c, weightColumn, labelRequired, featureNames, featureCount, labelsFile, classes, columnSums); }

    /** This with CSV weight column {@code c} ({@code null}: unit weights). */
    public ReadOptions withWeightColumn(String c) { return new ReadOptions(format, delimiter, labelColumn, c, labelRequired, featureNames, featureCount, labelsFile, classes, columnSums); }

    /** This with labels required ({@code true}) or optional. */
    public ReadOptions withLabelRequired(boolean r) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, r, featureNames, featureCount, labelsFile, classes, columnSums); }

    /** This reading the CSV feature columns {@code names}, in that order ({@code null}: every other column). */
    public ReadOptions withFeatureNames(List<String> names) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, labelRequired, names, featureCount, labelsFile, classes, columnSums); }

    /** This expecting {@code n} features (LIBSVM, NPY; 0: from the file). */
    public ReadOptions withFeatureCount(int n) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, labelRequired, featureNames, n, labelsFile, classes, columnSums); }

    /** This with NPY labels from {@code p} ({@code null}: the last column). */
    public ReadOptions withLabelsFile(Path p) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, labelRequired, featureNames, featureCount, p, classes, columnSums); }

    /** This with labels among the classes {@code c} ({@code null}: found in the file). */
    public ReadOptions withClasses(LabelMapping c) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, labelRequired, featureNames, featureCount, labelsFile, c, columnSums); }

    /** This gathering the column sums as NPY rows are validated ({@code true}) or not. */
    public ReadOptions withColumnSums(boolean gather) { return new ReadOptions(format, delimiter, labelColumn, weightColumn, labelRequired, featureNames, featureCount, labelsFile, classes, gather); }
}
