package dev.logreg.examples;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendChoice;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Embedding logreg in a service, end to end: read a CSV with the io readers, train with the fluent
 * {@link LogisticRegression} API, save the model file (the one {@code logreg train} writes and {@code logreg serve}
 * serves), load it back as a service would at start-up, and score a row.
 *
 * <pre>
 * mvn -B -q install -DskipTests -pl examples -am
 * mvn -B -q -pl examples exec:java                       # on data/breast-cancer.csv
 * </pre>
 *
 * Stateless; {@link #run} may be called from any thread.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    /**
     * What one run produced.
     *
     * @param training    the training run (model, status, objective, provenance)
     * @param modelFile   where the model was saved
     * @param loaded      the model read back from {@code modelFile}
     * @param probability P(benign) of the first row, scored by the loaded model
     */
    public record Outcome(TrainingResult training, Path modelFile, SavedModel loaded, double probability) {
    }

    /**
     * Runs the example.
     *
     * @param csv       a CSV with a header and a label column {@code benign} (the bundled data/breast-cancer.csv)
     * @param modelFile where to write the model (its directory must exist; replaced atomically)
     * @param out       where to print what happens
     * @throws IOException where the data cannot be read or the model not written
     */
    public static Outcome run(Path csv, Path modelFile, PrintStream out) throws IOException {
        // 1. Data: the io readers stream the file into float32 row blocks; the label column is named, the rest are features.
        LoadedData loaded = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign"));
        Dataset data = loaded.dataset();
        out.printf("read %d rows x %d features from %s%n", data.rows(), data.cols(), csv);

        // 2. Train. backend(null) would defer to -Dlogreg.backend / LOGREG_BACKEND; AUTO takes the GPU, else the CPU.
        //    The backend is opened for this call and closed before fit returns.
        LogisticRegression lr = LogisticRegression.builder()
                .penalty(Penalty.l2(1.0))
                .optimizer("lbfgs")
                .fitIntercept(true)
                .backend(BackendChoice.AUTO)
                .threads(2)
                .maxIterations(1000)
                .tolerance(1e-6)
                .seed(42)
                .build();
        TrainingResult result = lr.fit(data);
        out.printf("trained on %s: %s, objective %.9f, %d iterations%n", result.backend(), result.status(), result.objective(),
                result.optimization().iterations());

        // 3. Save, with the label encoding of the file (0/1 or -1/+1), for `logreg predict` / `logreg serve` too.
        ModelFile.save(modelFile, result, loaded.labels());

        // 4. Load it back, as a scoring service would at start-up; the model is immutable and thread-safe.
        SavedModel saved = ModelFile.load(modelFile);
        LogisticModel model = saved.model();

        // 5. Score one row (no allocation per row; batches: model.predictProbability(float[] rowMajor, double[] out)).
        float[] row = new float[data.cols()];
        data.copyRow(0, row);
        double p = model.predictProbability(row);
        out.printf("row 0: P(benign) = %.6f, label %d (file says %s)%n", p, model.predictLabel(row), loaded.labels().format((int) data.label(0)));
        return new Outcome(result, modelFile, saved, p);
    }

    /**
     * {@code EmbeddingExample [DATA.csv [MODEL.json]]}: defaults to {@code data/breast-cancer.csv} and a model file in
     * the temporary directory.
     */
    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args.length > 0 ? args[0] : "data/breast-cancer.csv");
        Path model = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("logreg-example").resolve("model.json");
        Outcome o = run(csv, model, System.out);
        System.out.println("model file: " + o.modelFile());
    }
}
