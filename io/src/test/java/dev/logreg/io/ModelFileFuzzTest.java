package dev.logreg.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.FuzzOutcomes.Outcome;
import dev.logreg.model.LogisticModel;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Fuzz test of the model-file loader, {@link ModelFile#read}. Each input is a whole file. Under {@code mvn verify} it
 * runs once per committed input in {@code src/test/resources/dev/logreg/io/ModelFileFuzzTestInputs/modelFile/}
 * (Jazzer's regression mode); {@code scripts/fuzz.sh modelFile} fuzzes (DEVELOPERS.md, "Fuzzing").
 */
class ModelFileFuzzTest {
    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A model that holds its invariants (finite coefficients and intercept, one name per coefficient, a 0/1 or -1/+1
     * label mapping, a status, a probability in [0, 1] for the zero row; for K classes, or other labels, finite rows
     * of one width and K probabilities summing to 1), which written out with
     * {@link ModelFile#toJson} reads back the same; or a refusal naming the file.
     */
    @FuzzTest
    void modelFile(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("model.json"), input);
        Outcome<SavedModel> got = FuzzOutcomes.run(file, ModelFile::read);
        if (got.refused()) return;
        SavedModel m = got.result();
        check(m);
        Path again = dir.resolve("written.json");
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(ModelFile.toJson(m));
        } catch (JsonProcessingException e) {
            throw new AssertionError("a model that was read cannot be written: " + e, e);
        }
        Outcome<SavedModel> back = FuzzOutcomes.run(FuzzOutcomes.write(again, json), ModelFile::read);
        if (back.refused()) throw new AssertionError("a model that was read, written out, is refused: " + back.refusal());
        same(m, back.result());
    }

    private static void check(SavedModel m) {
        if (!(m.classifier() instanceof LogisticModel) || !m.labels().isNumericBinary()) {
            checkClasses(m);
            return;
        }
        LogisticModel model = m.model();
        double[] c = model.coefficients();
        if (c.length < 1) throw new AssertionError("no coefficients");
        for (int j = 0; j < c.length; j++) {
            if (!Double.isFinite(c[j])) throw new AssertionError("coefficient " + j + " is " + c[j]);
        }
        if (!Double.isFinite(model.intercept())) throw new AssertionError("intercept is " + model.intercept());
        if (!model.fitIntercept() && model.intercept() != 0) throw new AssertionError("intercept " + model.intercept() + " without fitIntercept");
        if (model.featureNames() != null && model.featureNames().size() != c.length) {
            throw new AssertionError(model.featureNames().size() + " names for " + c.length + " coefficients");
        }
        LabelMapping l = m.labels();
        if (!(l.negative() == 0 || l.negative() == -1) || l.positive() != 1) throw new AssertionError("labels " + l);
        Objects.requireNonNull(m.status(), "status");
        if (m.iterations() < 0) throw new AssertionError("iterations " + m.iterations());
        double p = model.predictProbability(new double[c.length]);
        if (!(p >= 0 && p <= 1)) throw new AssertionError("probability of the zero row is " + p);
    }

    /** A K-class model, or a binary one with other labels (version 2 or 3): finite rows of one width, probabilities that sum to 1. */
    private static void checkClasses(SavedModel m) {
        dev.logreg.model.LinearClassifier k = m.classifier();
        double[][] rows = CoefficientsJson.rows(k);
        for (double[] r : rows) {
            if (r.length != k.features()) throw new AssertionError(r.length + " coefficients, " + k.features() + " features");
            for (double v : r) if (!Double.isFinite(v)) throw new AssertionError("coefficient " + v);
        }
        if (k.featureNames() != null && k.featureNames().size() != k.features()) throw new AssertionError(k.featureNames().size() + " names");
        if (m.labels().classes() != k.classes()) throw new AssertionError(m.labels() + " for " + k.classes() + " classes");
        double[] p = new double[k.classes()];
        k.predictProbabilities(new float[k.features()], p);
        double sum = 0;
        for (double v : p) {
            if (!(v >= 0 && v <= 1)) throw new AssertionError("probability " + v);
            sum += v;
        }
        if (!(Math.abs(sum - 1) < 1e-9)) throw new AssertionError("probabilities sum to " + sum);
    }

    private static void same(SavedModel a, SavedModel b) {
        if (!ModelFile.toJson(a).equals(ModelFile.toJson(b))) {
            throw new AssertionError("the model read back differs from the one written: " + a + " vs " + b);
        }
        if (!(a.classifier() instanceof LogisticModel) || !a.labels().isNumericBinary()) return;
        if (!Arrays.equals(a.model().coefficients(), b.model().coefficients())
                || Double.doubleToLongBits(a.model().intercept()) != Double.doubleToLongBits(b.model().intercept())
                || a.model().fitIntercept() != b.model().fitIntercept()
                || !Objects.equals(a.model().featureNames(), b.model().featureNames())
                || !a.labels().equals(b.labels()) || a.status() != b.status() || a.iterations() != b.iterations()
                || !a.message().equals(b.message()) || !a.training().equals(b.training()) || a.history().size() != b.history().size()) {
            throw new AssertionError("the model read back differs from the one written: " + a + " vs " + b);
        }
    }
}
