package dev.logreg.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendChoice;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.onnx.OnnxExport.Options;
import dev.logreg.onnx.OnnxExport.Precision;
import dev.logreg.onnx.proto.OnnxMl.ModelProto;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Multiclass;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kind of model logreg trains, exported and scored by ONNX Runtime's Java package on the bundled data: the
 * probabilities within 1e-6 (float64 graph) or 1e-5 (float32 graph) of logreg's, the same labels in the training
 * file's encoding. One class so that ONNX Runtime's native library loads once.
 */
class OnnxExportTest {
    /** A model as the model file holds it, with the rows it is scored on. */
    record Case(String name, SavedModel saved, Dataset data) {
        @Override public String toString() { return name; }
    }

    private static final Options[] ALL_OPTIONS = {
            Options.DEFAULT,
            Options.DEFAULT.withInput(Precision.DOUBLE),
            Options.DEFAULT.withGraph(Precision.FLOAT),
            Options.DEFAULT.withGraph(Precision.FLOAT).withInput(Precision.DOUBLE),
    };

    private static OrtEnvironment env;
    private static LoadedData breastCancer;
    private static LoadedData wine;
    private static List<Case> cases;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainEveryKind() throws IOException {
        env = OrtEnvironment.getEnvironment();
        breastCancer = DataReaders.read(bundled("breast-cancer.csv"), ReadOptions.DEFAULT.withLabelColumn("benign"));
        wine = DataReaders.read(bundled("wine.csv"), ReadOptions.DEFAULT.withLabelColumn("cultivar"));
        Dataset bc = breastCancer.dataset();
        Dataset w = wine.dataset();
        cases = new ArrayList<>();

        SavedModel binary = train(bc, breastCancer.labels(), builder());
        cases.add(new Case("binary, labels 0/1", binary, bc));
        cases.add(new Case("binary, labels -1/+1", relabel(binary, LabelMapping.MINUS_ONE_PLUS_ONE), bc));
        // Trained on the same rows stored sparse (CSR), scored on dense input; no intercept, no feature names. (On
        // sparse rows this logreg neither standardizes nor preconditions: both read the rows as dense.)
        SavedModel sparse = train(bc.toSparse(), breastCancer.labels(), builder().fitIntercept(false).standardize(false).precondition(false));
        LogisticModel s = sparse.model();
        cases.add(new Case("binary, trained on sparse rows, no intercept, no names",
                withClassifier(sparse, new LogisticModel(s.coefficients(), 0.0, false, null)), bc));
        cases.add(new Case("multinomial over two classes", train(bc, breastCancer.labels(), builder().multiclass(Multiclass.MULTINOMIAL)), bc));

        int[] firstTwo = IntStream.range(0, (int) w.rows()).filter(i -> w.label(i) < 2).toArray();
        Dataset twoCultivars = w.select(firstTwo).withClasses(2);
        cases.add(new Case("binary, text labels", train(twoCultivars, LabelMapping.ofStrings(List.of("class_0", "class_1")), builder()), twoCultivars));
        cases.add(new Case("multinomial, text labels", train(w, wine.labels(), builder()), w));
        cases.add(new Case("one-vs-rest, text labels", train(w, wine.labels(), builder().multiclass(Multiclass.ONE_VS_REST)), w));
        cases.add(new Case("multinomial, labels 1/2/3, no intercept",
                train(w, LabelMapping.ofNumbers(1, 2, 3), builder().fitIntercept(false)), w));
        cases.add(new Case("one-vs-rest, labels -5/0/7, no intercept",
                train(w, LabelMapping.ofNumbers(-5, 0, 7), builder().multiclass(Multiclass.ONE_VS_REST).fitIntercept(false)), w));
    }

    @AfterAll
    static void closeNothing() {
        // OrtEnvironment is a process-wide singleton that ONNX Runtime closes at exit; closing it here would break
        // any later test in this JVM that asks for it.
        env = null;
    }

    private static LogisticRegression.Builder builder() {
        return LogisticRegression.builder().backend(BackendChoice.REFERENCE).penalty(Penalty.l2(1.0)).standardize(true)
                .maxIterations(500).tolerance(1e-8);
    }

    private static SavedModel train(Dataset data, LabelMapping labels, LogisticRegression.Builder b) {
        TrainingResult r = b.build().fit(data);
        return SavedModel.of(r, r.classifier(), labels, Map.of("standardize", true, "labelColumn", "test"));
    }

    private static SavedModel relabel(SavedModel m, LabelMapping labels) {
        return new SavedModel(m.classifier(), labels, m.training(), m.backend(), m.optimizer(), m.objective(), m.status(),
                m.message(), m.iterations(), m.seconds(), m.history(), m.libraryVersion());
    }

    private static SavedModel withClassifier(SavedModel m, LinearClassifier c) {
        return new SavedModel(c, m.labels(), m.training(), m.backend(), m.optimizer(), m.objective(), m.status(),
                m.message(), m.iterations(), m.seconds(), m.history(), m.libraryVersion());
    }

    /** data/NAME of the repository, found by walking up from the working directory. */
    static Path bundled(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("data").resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("data/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The rows of {@code data} as float[N][n] (dense or sparse storage alike). */
    static float[][] rows(Dataset data) {
        float[][] x = new float[(int) data.rows()][data.cols()];
        for (int i = 0; i < x.length; i++) data.copyRow(i, x[i]);
        return x;
    }

    private static double[][] widen(float[][] x) {
        double[][] d = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            d[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) d[i][j] = x[i][j];
        }
        return d;
    }

    @Test
    void everyModelScoresAsLogregInOnnxRuntime() throws OrtException {
        for (Case c : cases) {
            LinearClassifier m = c.saved().classifier();
            double[] expected = m.predictProbabilities(c.data());
            int[] expectedClass = m.predictClasses(c.data());
            float[][] x = rows(c.data());
            for (Options o : ALL_OPTIONS) {
                String what = c + ", " + o;
                byte[] onnx = OnnxExport.toBytes(c.saved(), o);
                try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                     OnnxTensor input = OnnxTensor.createTensor(env, o.input() == Precision.DOUBLE ? widen(x) : x);
                     OrtSession.Result result = session.run(Map.of("X", input))) {
                    double tolerance = o.graph() == Precision.DOUBLE ? 1e-6 : 1e-5;
                    assertProbabilities(what, expected, m.classes(), value(result, "probabilities"), tolerance);
                    assertLabels(what, c.saved().labels(), expectedClass, value(result, "label"));
                }
            }
        }
    }

    private static Object value(OrtSession.Result result, String name) throws OrtException {
        OnnxValue v = result.get(name).orElseThrow(() -> new AssertionError("no output " + name));
        return v.getValue();
    }

    private static void assertProbabilities(String what, double[] expected, int k, Object actual, double tolerance) {
        int rows = expected.length / k;
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                double got = actual instanceof double[][] d ? d[i][c] : ((float[][]) actual)[i][c];
                double want = expected[i * k + c];
                double err = Math.abs(got - want);
                if (!(err <= tolerance)) fail(what + ": row " + i + " class " + c + ": ONNX Runtime " + got + ", logreg " + want + " (tolerance " + tolerance + ")");
                worst = Math.max(worst, err);
            }
        }
        assertEquals(rows, actual instanceof double[][] d ? d.length : ((float[][]) actual).length, what + ": rows");
        assertTrue(worst <= tolerance, what + ": worst " + worst);
    }

    private static void assertLabels(String what, LabelMapping labels, int[] expectedClass, Object actual) {
        for (int i = 0; i < expectedClass.length; i++) {
            Object want = labels.numeric() ? (Object) (long) labels.value(expectedClass[i]) : labels.name(expectedClass[i]);
            Object got = labels.numeric() ? (Object) ((long[]) actual)[i] : ((String[]) actual)[i];
            if (!want.equals(got)) fail(what + ": row " + i + ": label " + got + " from ONNX Runtime, " + want + " from logreg");
        }
    }

    /**
     * Rows at logreg's edges: a binary probability of exactly 0.5 (label: the second class, as {@code P >= 0.5}),
     * K-class logits that tie (the lowest class), and a one-vs-rest row so far from every class that each σ(z_c)
     * underflows to 0 (σ/Σσ would be 0/0; logreg and the graph both normalise in the log domain).
     */
    @Test
    void edgeRowsScoreAsLogreg() throws OrtException {
        List<String> names = List.of("a", "b");
        List<Case> edges = List.of(
                new Case("binary at P = 0.5", relabel(withClassifier(cases.get(0).saved(),
                        new LogisticModel(new double[] {0.0, 1.0}, 0.0, true, names)), LabelMapping.ZERO_ONE), twoRows()),
                new Case("multinomial tie", withClassifier(cases.get(5).saved(), new dev.logreg.model.SoftmaxModel(
                        new double[][] {{0, 1}, {0, 1}, {0, 0}}, new double[] {0, 0, -1}, true, names)), twoRows()),
                new Case("one-vs-rest far from every class", withClassifier(cases.get(6).saved(), new dev.logreg.model.OneVsRestModel(List.of(
                        new LogisticModel(new double[] {1, 0}, -1000, true, names),
                        new LogisticModel(new double[] {1, 0}, -1001, true, names),
                        new LogisticModel(new double[] {1, 0}, -1002, true, names)))), twoRows()));
        for (Case c : edges) {
            LinearClassifier m = c.saved().classifier();
            double[] expected = m.predictProbabilities(c.data());
            for (double v : expected) assertTrue(Double.isFinite(v), c + ": logreg gives " + Arrays.toString(expected));
            for (Options o : new Options[] {Options.DEFAULT, Options.DEFAULT.withGraph(Precision.FLOAT)}) {
                try (OrtSession session = env.createSession(OnnxExport.toBytes(c.saved(), o), new OrtSession.SessionOptions());
                     OnnxTensor input = OnnxTensor.createTensor(env, rows(c.data()));
                     OrtSession.Result result = session.run(Map.of("X", input))) {
                    assertProbabilities(c + ", " + o, expected, m.classes(), value(result, "probabilities"), o.graph() == Precision.DOUBLE ? 1e-6 : 1e-5);
                    assertLabels(c + ", " + o, c.saved().labels(), m.predictClasses(c.data()), value(result, "label"));
                }
            }
        }
        assertEquals(1, edges.get(0).saved().classifier().predictClass(new float[] {0f, 0f}), "P = 0.5 is the second class in logreg");
        assertEquals(0, edges.get(1).saved().classifier().predictClass(new float[] {0f, 0f}), "a tie of classes 0 and 1 is class 0 in logreg");
    }

    /** Rows (0, 0) and (0, 1): the first ties or is far from every class in the models of {@link #edgeRowsScoreAsLogreg}. */
    private static Dataset twoRows() {
        return Dataset.fromRows(new float[][] {{0f, 0f}, {0f, 1f}}, new float[] {0, 1});
    }

    @Test
    void theGraphDeclaresItsTypesVersionsAndProvenance() throws Exception {
        Case binary = cases.get(0);
        ModelProto proto = ModelProto.parseFrom(OnnxExport.toBytes(binary.saved(), Options.DEFAULT));
        assertEquals(OnnxExport.IR_VERSION, proto.getIrVersion());
        assertEquals(1, proto.getOpsetImportCount());
        assertEquals("", proto.getOpsetImport(0).getDomain());
        assertEquals(OnnxExport.OPSET, proto.getOpsetImport(0).getVersion());

        Case text = cases.get(5);
        try (OrtSession session = env.createSession(OnnxExport.toBytes(text.saved(), Options.DEFAULT), new OrtSession.SessionOptions())) {
            TensorInfo x = (TensorInfo) session.getInputInfo().get("X").getInfo();
            assertEquals(OnnxJavaType.FLOAT, x.type);
            assertArrayEquals(new long[] {-1, 13}, x.getShape());
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            assertEquals(List.of("label", "probabilities"), new ArrayList<>(outputs.keySet()));
            assertEquals(OnnxJavaType.STRING, ((TensorInfo) outputs.get("label").getInfo()).type);
            assertEquals(OnnxJavaType.DOUBLE, ((TensorInfo) outputs.get("probabilities").getInfo()).type);
            assertArrayEquals(new long[] {-1, 3}, ((TensorInfo) outputs.get("probabilities").getInfo()).getShape());

            var meta = session.getMetadata();
            assertEquals("logreg", meta.getProducerName());
            Map<String, String> props = meta.getCustomMetadata();
            assertEquals(text.saved().libraryVersion(), props.get("logreg.version"));
            assertEquals("multinomial", props.get("logreg.strategy"));
            assertEquals("[\"class_0\",\"class_1\",\"class_2\"]", props.get("logreg.classes"));
            assertTrue(props.get("logreg.feature_names").startsWith("[\"alcohol\",\"malic_acid\","), props.get("logreg.feature_names"));
            assertEquals(text.saved().status().name(), props.get("logreg.status"));
            assertEquals(text.saved().objective(), Double.parseDouble(props.get("logreg.objective")));
            assertTrue(props.get("logreg.training").contains("\"penalty\":\"l2\""), props.get("logreg.training"));
            assertTrue(props.get("logreg.training").contains("\"standardize\":true"), props.get("logreg.training"));
        }
        Case noNames = cases.get(2);
        Map<String, String> props = OnnxExport.metadata(noNames.saved(), Options.DEFAULT);
        assertFalse(props.containsKey("logreg.feature_names"), props.toString());
        assertEquals("false", props.get("logreg.fit_intercept"));
    }

    @Test
    void aModelFileExportsToAFileAtomicallyAndReadOnlyTargetsAreRefused() throws Exception {
        Path json = dir.resolve("model.json");
        ModelFile.write(json, cases.get(5).saved());
        SavedModel loaded = ModelFile.load(json);
        Path out = dir.resolve("model.onnx");
        OnnxExport.write(out, loaded, Options.DEFAULT);
        byte[] written = Files.readAllBytes(out);
        // The model read back from its file exports to the same bytes as the model it was written from.
        assertArrayEquals(OnnxExport.toBytes(cases.get(5).saved(), Options.DEFAULT), written);
        try (var files = Files.list(dir)) {
            assertEquals(List.of("model.json", "model.onnx"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
        assertTrue(out.toFile().setReadOnly());
        var refused = assertThrows(dev.logreg.io.OutputRefusedException.class, () -> OnnxExport.write(out, loaded, Options.DEFAULT.withGraph(Precision.FLOAT)));
        assertTrue(refused.getMessage().contains("model.onnx"), refused.getMessage());
        assertArrayEquals(written, Files.readAllBytes(out), "a refused write leaves the file as it was");
        OnnxExport.write(out, loaded, Options.DEFAULT.withGraph(Precision.FLOAT), true);
        assertFalse(Arrays.equals(written, Files.readAllBytes(out)), "--force replaced it");
        assertFalse(Files.getPosixFilePermissions(out).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), "still read-only");
    }

    @Test
    void aModelTooLargeForOneOnnxFileIsRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.checkSize(300_000_000, 1, null, Precision.DOUBLE));
        assertEquals("the model's 1 x 300000000 coefficients take 2,400,000,000 bytes in float64, more than one ONNX file holds "
                + "(protobuf's 2 GiB); float32 coefficients (--precision float) take half", e.getMessage());
        OnnxExport.checkSize(300_000_000, 1, null, Precision.FLOAT); // 1.2 GB: fits
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.checkSize(60_000_000, 10, null, Precision.FLOAT));
    }
}
