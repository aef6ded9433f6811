package dev.logreg.cli;

import dev.logreg.io.DataFormat;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;

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
        LogisticModel m = model.model();
        String labelColumn = label != null ? label
                : model.training().get("labelColumn") instanceof String ? (String) model.training().get("labelColumn") : "label";
        ReadOptions ro = options.readOptions(ReadOptions.DEFAULT.withLabelColumn(labelColumn).withLabelRequired(labelRequired)
                .withFeatureNames(m.featureNames()).withFeatureCount(m.features()));
        LoadedData d = DataReaders.read(options.data, ro);
        DataFormat f = ro.format() != null ? ro.format() : DataFormat.fromFileName(options.data);
        if (d.dataset().cols() != m.features()) {
            throw new IllegalArgumentException(options.data + ": " + d.dataset().cols() + " feature columns" + (f == DataFormat.CSV && m.featureNames() == null
                    ? " (the model has no feature names, so every column but the label is a feature)" : "") + ", the model expects " + m.features());
        }
        return d;
    }
}
