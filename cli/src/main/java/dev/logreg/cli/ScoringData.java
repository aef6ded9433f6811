package dev.logreg.cli;

import dev.logreg.io.DataFormat;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.UndefinedLogitException;

import java.io.IOException;

/** Reads data to score with a model: CSV columns matched to the model's features by name, other formats by width. */
final class ScoringData {
    private ScoringData() {}

    /**
     * Reads the data of {@code options} for {@code model}.
     *
     * @param label         the label column, or {@code null} for the one the model was trained with (else {@code label})
     * @param labelRequired whether the file must hold labels
     */
    static LoadedData read(SavedModel model, DataOptions options, String label, boolean labelRequired) throws IOException {
        return read(model, options, label, null, labelRequired);
    }

    /**
     * Reads the data of {@code options} for {@code model}, with the sample weights of CSV column {@code weight}.
     *
     * @param label         the label column, or {@code null} for the one the model was trained with (else {@code label})
     * @param weight        the CSV column of sample weights, or {@code null} for none (unit weights)
     * @param labelRequired whether the file must hold labels
     * @throws IllegalArgumentException where {@code weight} is given for a format other than CSV, or the column is missing
     */
    static LoadedData read(SavedModel model, DataOptions options, String label, String weight, boolean labelRequired) throws IOException {
        LinearClassifier m = model.classifier();
        String labelColumn = label != null ? label
                : model.training().get("labelColumn") instanceof String ? (String) model.training().get("labelColumn") : "label";
        ReadOptions ro = options.readOptions(ReadOptions.DEFAULT.withLabelColumn(labelColumn).withLabelRequired(labelRequired)
                .withFeatureNames(m.featureNames()).withFeatureCount(m.features()).withWeightColumn(weight)
                .withClasses(model.labels())   // labels map onto the model's classes, even where the file holds only some
                .withColumnSums(false));       // scoring fits nothing: no column statistics wanted
        DataFormat f = ro.format() != null ? ro.format() : DataFormat.fromFileName(options.data);
        if (weight != null && f != DataFormat.CSV) {
            throw new IllegalArgumentException("--weight NAME applies to CSV data only (a column of the file); " + f.id() + " files hold no sample weights");
        }
        LoadedData d = DataReaders.read(options.data, ro);
        if (d.dataset().cols() != m.features()) {
            throw new IllegalArgumentException(options.data + ": " + d.dataset().cols() + " feature columns" + (f == DataFormat.CSV && m.featureNames() == null
                    ? " (the model has no feature names, so every column but the label is a feature)" : "") + ", the model expects " + m.features());
        }
        return d;
    }

    /**
     * The logits of {@code data} under {@code model}; a row without one (a NaN logit) is an error naming the data file
     * and the row, 1-based as a person counts them.
     */
    static double[] logits(SavedModel model, LoadedData data, DataOptions options) {
        try {
            return model.model().decisionFunction(data.dataset());
        } catch (UndefinedLogitException e) {
            throw named(e, options);
        }
    }

    /** The probabilities of {@code data} under {@code model}, with the errors of {@link #logits}. */
    static double[] probabilities(SavedModel model, LoadedData data, DataOptions options) {
        try {
            return model.model().predictProbability(data.dataset());
        } catch (UndefinedLogitException e) {
            throw named(e, options);
        }
    }

    /** The K class probabilities of every row of {@code data}, row-major ({@code [i·K + c]}), with the errors of {@link #logits}. */
    static double[] classProbabilities(SavedModel model, LoadedData data, DataOptions options) {
        try {
            return model.classifier().predictProbabilities(data.dataset());
        } catch (UndefinedLogitException e) {
            throw named(e, options);
        }
    }

    // A model file the loader accepts cannot overflow on the finite float32 rows the readers accept (ModelFile's
    // bound), so this is a guard: should it ever happen, the user learns which row, not a NaN in the output.
    private static IllegalArgumentException named(UndefinedLogitException e, DataOptions options) {
        return new IllegalArgumentException(options.data + ", data row " + (e.row() + 1) + " (1-based, header not counted): " + e.reason(), e);
    }
}
