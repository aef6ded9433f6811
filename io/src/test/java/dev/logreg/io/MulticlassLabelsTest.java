package dev.logreg.io;

import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.Status;
import dev.logreg.testing.BundledData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Labels of any value from every format, in sorted class order; K-class model files and their checks. */
class MulticlassLabelsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void wineHasThreeTextClassesInSortedOrder() throws IOException {
        LoadedData d = DataReaders.read(BundledData.path("wine.csv"), ReadOptions.DEFAULT.withLabelColumn("cultivar"));
        assertEquals(LabelMapping.ofStrings(List.of("class_0", "class_1", "class_2")), d.labels());
        assertEquals(3, d.dataset().classes());
        assertArrayEquals(new long[] {59, 71, 48}, d.dataset().labelCounts());
        assertEquals(13, d.dataset().cols());
    }

    @Test
    void textClassesSortLexicographicallyAndNumbersNumerically() throws IOException {
        LoadedData t = DataReaders.read(write("t.csv", "x,label\n1,b\n2,B\n3,a10\n4,a2\n5, b \n"), ReadOptions.DEFAULT);
        assertEquals(List.of("B", "a10", "a2", "b"), t.labels().names());
        assertArrayEquals(new float[] {3, 0, 1, 2, 3}, t.dataset().copyLabels());
        LoadedData n = DataReaders.read(write("n.csv", "x,label\n1,10\n2,2\n3,-3\n4,2.0\n"), ReadOptions.DEFAULT);
        assertEquals(LabelMapping.ofNumbers(-3, 2, 10), n.labels());
        assertArrayEquals(new float[] {2, 1, 0, 1}, n.dataset().copyLabels());
        LoadedData s = DataReaders.read(write("s.svm", "7 1:1\n3 2:1\n5 1:2\n"), ReadOptions.DEFAULT);
        assertEquals(List.of("3", "5", "7"), s.labels().names());
        assertArrayEquals(new float[] {2, 0, 1}, s.dataset().copyLabels());
    }

    @Test
    void binaryFilesReadAsBefore() throws IOException {
        assertEquals(LabelMapping.ZERO_ONE, DataReaders.read(write("a.csv", "x,label\n1,1\n2,1\n"), ReadOptions.DEFAULT).labels());
        LoadedData pm = DataReaders.read(write("b.svm", "-1 1:1\n+1 1:2\n"), ReadOptions.DEFAULT);
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, pm.labels());
        assertEquals(2, pm.dataset().classes());
        assertArrayEquals(new float[] {0, 1}, pm.dataset().copyLabels());
    }

    @Test
    void aModelsClassesMapAFileThatHoldsOnlySomeOfThem() throws IOException {
        LabelMapping model = LabelMapping.ofStrings(List.of("class_0", "class_1", "class_2"));
        LoadedData d = DataReaders.read(write("e.csv", "x,label\n1,class_2\n2,class_2\n"), ReadOptions.DEFAULT.withClasses(model));
        assertEquals(3, d.dataset().classes());
        assertArrayEquals(new float[] {2, 2}, d.dataset().copyLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(write("f.csv", "x,label\n1,class_2\n2,class_9\n"), ReadOptions.DEFAULT.withClasses(model)));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'class_9' is not one of the model's classes"), e.getMessage());
        // A binary model still takes either binary encoding, as it always did.
        LoadedData b = DataReaders.read(write("g.csv", "x,label\n1,-1\n2,1\n"), ReadOptions.DEFAULT.withClasses(LabelMapping.ZERO_ONE));
        assertArrayEquals(new float[] {0, 1}, b.dataset().copyLabels());
    }

    @Test
    void aThousandClasses() throws IOException {
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 3000; i++) csv.append(i).append(",c").append(String.format("%04d", (i * 7) % 1000)).append('\n');
        LoadedData d = DataReaders.read(write("k.csv", csv.toString()), ReadOptions.DEFAULT);
        assertEquals(1000, d.dataset().classes());
        assertEquals("c0000", d.labels().name(0));
        assertEquals("c0999", d.labels().name(999));
        assertEquals(7f, d.dataset().label(1));
        for (long c : d.dataset().labelCounts()) assertEquals(3, c);
    }

    @Test
    void npyLabelsThatAreNotNumbersOrNotIntegersAreRefusedByFile() throws IOException {
        Path x = dir.resolve("x.npy");
        NpyFiles.write(x, "<f4", false, new long[] {3, 1}, NpyFiles.floats(1, 2, 3));
        Path y = dir.resolve("y.npy");
        NpyFiles.write(y, "<U7", false, new long[] {3}, new byte[3 * 28]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(x, ReadOptions.DEFAULT.withLabelsFile(y)));
        assertTrue(e.getMessage().startsWith(y.toString()) && e.getMessage().contains("labels are not numbers"), e.getMessage());
        NpyFiles.write(y, "<f8", false, new long[] {3}, NpyFiles.doubles(0, 1.5, 2));
        e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(x, ReadOptions.DEFAULT.withLabelsFile(y)));
        assertTrue(e.getMessage().contains("row 1: label 1.5 is not an integer"), e.getMessage());
        NpyFiles.write(y, "<i8", false, new long[] {3}, longs(5, 9, 5));
        LoadedData d = DataReaders.read(x, ReadOptions.DEFAULT.withLabelsFile(y));
        assertEquals(LabelMapping.ofNumbers(5, 9), d.labels());
        assertArrayEquals(new float[] {0, 1, 0}, d.dataset().copyLabels());
    }

    private static byte[] longs(long... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return b.array();
    }

    private static SavedModel saved(dev.logreg.model.LinearClassifier m, LabelMapping labels) {
        return new SavedModel(m, labels, null, "test", "lbfgs", 0.5, Status.CONVERGED_GRADIENT, "", 3, 0.1, null, null);
    }

    @Test
    void kClassModelsRoundTripBitForBit() throws IOException {
        double[][] w = {{0.1, -0.2}, {1e-300, 3.5}, {-7, 0.25}};
        double[] b = {0.5, -0.25, -0.25};
        LabelMapping classes = LabelMapping.ofStrings(List.of("class_0", "class_1", "class_2"));
        Path p = dir.resolve("m.json");
        ModelFile.write(p, saved(new SoftmaxModel(w, b, true, List.of("a", "b")), classes));
        String json = Files.readString(p);
        assertTrue(json.contains("\"formatVersion\" : 2") && json.contains("\"strategy\" : \"multinomial\""), json);
        SavedModel r = ModelFile.read(p);
        SoftmaxModel s = assertInstanceOf(SoftmaxModel.class, r.classifier());
        assertArrayEquals(w, s.coefficients());
        assertArrayEquals(b, s.intercepts());
        assertEquals(classes, r.labels());
        assertEquals(List.of("a", "b"), s.featureNames());

        List<LogisticModel> ovr = new ArrayList<>();
        for (int c = 0; c < 3; c++) ovr.add(new LogisticModel(w[c], b[c], true, null));
        ModelFile.write(p, saved(new OneVsRestModel(ovr), LabelMapping.ofNumbers(1, 2, 3)));
        SavedModel o = ModelFile.read(p);
        assertInstanceOf(OneVsRestModel.class, o.classifier());
        assertEquals(LabelMapping.ofNumbers(1, 2, 3), o.labels());
        assertTrue(Files.readString(p).contains("\"classes\" : [ 1, 2, 3 ]"));

        // A binary model with text labels needs the new version; with 0/1 it stays version 1.
        ModelFile.write(p, saved(new LogisticModel(w[0], 0.5, true, null), LabelMapping.ofStrings(List.of("ham", "spam"))));
        assertTrue(Files.readString(p).contains("\"strategy\" : \"binary\""));
        assertEquals("spam", ModelFile.read(p).labels().name(1));
        ModelFile.write(p, saved(new LogisticModel(w[0], 0.5, true, null), LabelMapping.ZERO_ONE));
        assertTrue(Files.readString(p).contains("\"formatVersion\" : 1") && !Files.readString(p).contains("strategy"));
    }

    @Test
    void aThousandClassModelRoundTrips() throws IOException {
        int k = 1000;
        double[][] w = new double[k][3];
        double[] b = new double[k];
        double[] labels = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < 3; j++) w[c][j] = Math.sin(c * 3 + j);
            b[c] = Math.cos(c);
            labels[c] = 10L * c - 5000;
        }
        Path p = dir.resolve("k.json");
        ModelFile.write(p, saved(new SoftmaxModel(w, b, true, null), LabelMapping.ofNumbers(labels)));
        SavedModel r = ModelFile.read(p);
        assertEquals(k, r.classifier().classes());
        assertArrayEquals(w, ((SoftmaxModel) r.classifier()).coefficients());
        assertEquals("4990", r.labels().name(k - 1));
    }

    @Test
    void aCommittedVersionOneFileStillLoads() throws Exception {
        Path p = Path.of(getClass().getResource("/model-v1.json").toURI());
        SavedModel m = ModelFile.read(p);
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, m.labels());
        assertEquals(2, m.model().features());
        assertEquals(0.25, m.model().intercept());
        assertEquals(List.of("x1", "x2"), m.model().featureNames());
    }

    @Test
    void everyBinaryLoadCheckHoldsPerClass() throws IOException {
        Path p = dir.resolve("m.json");
        ModelFile.write(p, saved(new SoftmaxModel(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new double[] {0, 0, 0}, true, List.of("a", "b")),
                LabelMapping.ofStrings(List.of("x", "y", "z"))));
        String good = Files.readString(p);
        String[][] cases = {
            {good.replace("[ 5.0, 6.0 ]", "[ 5.0, 1e308 ]"), "of class 'z' are too large"},
            {good.replace("[ 5.0, 6.0 ]", "[ 5.0, \"6\" ]"), "coefficients[2][1]"},
            {good.replace("[ 5.0, 6.0 ]", "[ 5.0 ]"), "coefficients[2] has 1 entries"},
            {good.replace("\"b\" ]", "\"a\" ]"), "'a' appears twice"},
            {good.replace("\"z\"", "\"y\""), "appears twice"},
            {good.replace("[ \"x\", \"y\", \"z\" ]", "[ \"y\", \"x\", \"z\" ]"), "not in class order"},
            {good.replace("\"multinomial\"", "\"softmax\""), "field \"strategy\""},
            {good.replace("\"y\"", "1"), "classes[1]"},
            {good.replace("[ 0.0, 0.0, 0.0 ]", "[ 0.0, 0.0 ]"), "\"intercepts\""},
        };
        for (String[] c : cases) {
            assertTrue(!c[0].equals(good), c[1]);
            Files.writeString(p, c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(p), c[1]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().startsWith(p.toString()) && !e.getMessage().contains("jackson"), e.getMessage());
        }
    }
}
