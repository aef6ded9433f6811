package dev.logreg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logreg.data.Dataset;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.LoadedData;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line as a hostile user tries it: models that cannot score, inputs built to mislead or to flood the
 * message, and output paths that are links, directories or read-only files. Each case exits as README says (2 for bad
 * input or usage) with one short line naming what is wrong.
 */
class HostileUseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path csv;
    static Path model;

    @BeforeAll
    static void trainOnce() {
        csv = CliRun.data("breast-cancer.csv");
        model = CliRun.trainBundled(dir);
    }

    /** Exit 2, one line, the fragment, nothing of the libraries' internals, and a bounded length. */
    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(fragment), () -> "expected '" + fragment + "' in stderr: " + r);
        assertEquals(1, r.err().lines().count(), () -> "one line on stderr: " + r);
        for (String internal : List.of("\tat ", "ALLOW_", "REDACTED", "Source:", "jackson", "Exception", "block capacity")) {
            assertFalse(r.err().contains(internal), () -> "internals (" + internal + ") in: " + r);
        }
        assertTrue(r.err().length() < 600 + dir.toString().length() * 2, () -> "a bounded message, not " + r.err().length() + " characters");
    }

    private static Path modelWith(String name, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(model.toFile());
        edit.accept(m);
        Path p = dir.resolve(name);
        Files.writeString(p, m.toString());
        return p;
    }

    @Test
    void aModelWithHugeCoefficientsIsRefusedAtLoadByPredictAndEvaluate() throws IOException {
        Path huge = modelWith("huge.json", m -> {
            ArrayNode c = (ArrayNode) m.get("coefficients");
            for (int j = 0; j < c.size(); j++) c.set(j, JSON.getNodeFactory().numberNode(j % 2 == 0 ? 1e308 : -1e308));
        });
        Path out = dir.resolve("huge-predictions.csv");
        assertBadInput(CliRun.of("predict", "--model", huge.toString(), "--data", csv.toString(), "--out", out.toString()),
                "coefficients are too large to score every row");
        assertFalse(Files.exists(out), "no predictions written");
        assertBadInput(CliRun.of("evaluate", "--model", huge.toString(), "--data", csv.toString()), "coefficients are too large to score every row");
        CliRun stdout = CliRun.of("predict", "--model", huge.toString(), "--data", csv.toString());
        assertFalse(stdout.out().contains("NaN"), stdout::toString);
    }

    @Test
    void misleadingModelFilesSayWhatIsWrong() throws IOException {
        Path dup = modelWith("dup.json", m -> ((ArrayNode) m.get("featureNames")).set(1, JSON.getNodeFactory().textNode("mean_radius")));
        assertBadInput(CliRun.of("predict", "--model", dup.toString(), "--data", csv.toString()), "feature name 'mean_radius' appears twice");
        Path nan = dir.resolve("nan.json");
        Files.writeString(nan, Files.readString(model).replaceFirst("\"intercept\" : [^,]+,", "\"intercept\" : NaN,"));
        assertBadInput(CliRun.of("predict", "--model", nan.toString(), "--data", csv.toString()), "NaN and Infinity are not JSON numbers");
        Path longName = modelWith("long-name.json", m -> ((ArrayNode) m.get("featureNames")).set(0, JSON.getNodeFactory().textNode("n".repeat(1_000_000))));
        assertBadInput(CliRun.of("predict", "--model", longName.toString(), "--data", csv.toString()), "n".repeat(100) + "... of the model is not a column");
    }

    @Test
    void libsvmIndicesTooLargeSaySoWithFileAndLine() throws IOException {
        // Sparse rows: two billion columns are readable; past what θ can hold (2^31 - 10 features) is refused.
        for (String index : List.of("2147483639", "99999999999")) {
            Path p = dir.resolve("big-" + index + ".libsvm");
            Files.writeString(p, "1 1:0.5\n0 1:0.2 " + index + ":1\n");
            assertBadInput(CliRun.of("train", "--data", p.toString(), "--backend", "reference", "--quiet"),
                    p + " line 2, column 9: index '" + index + "' is too large: at most 2147483638 features are supported");
        }
    }

    @Test
    void aMissingColumnDoesNotQuoteAHugeHeader() throws IOException {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 20_000; i++) h.append("a_rather_long_column_name_").append(i).append(',');
        Path wide = dir.resolve("wide.csv");
        Files.writeString(wide, h + "y\n" + "1,".repeat(20_000) + "0\n");
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", wide.toString()), "of the model are not a column");
        assertBadInput(CliRun.of("train", "--data", wide.toString(), "--backend", "reference"), "no label column 'label'");
    }

    @Test
    void hugeArgumentsAreQuotedBounded() {
        String huge = "x".repeat(1_000_000);
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--" + huge), "Unknown option");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--optimizer", huge), "--optimizer is 'xxx");
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--delimiter", huge), "--delimiter is 'xxx");
    }

    @Test
    void outOntoADirectoryIsBadUsage() throws IOException {
        Path d = Files.createDirectories(dir.resolve("a-directory"));
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", d.toString()),
                "cannot write " + d + ": it is a directory");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--backend", "reference", "--quiet", "--out", d.toString()),
                "is a directory");
        assertTrue(Files.isDirectory(d));
        // The other wrong kinds of path: each bad usage, exit 2, saying what is wrong.
        assertBadInput(CliRun.of("predict", "--model", d.toString(), "--data", csv.toString()), d + " is a directory, expected a model file");
        assertBadInput(CliRun.of("evaluate", "--model", model.toString(), "--data", csv.toString(), "--plot", model.toString()),
                model + " exists and is not a directory");
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", d.resolve("no/such/p.csv").toString()),
                "no such file: " + d.resolve("no/such"));
        Path device = Path.of("/dev/null");
        if (Files.exists(device)) {
            assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", device.toString()),
                    "cannot write /dev/null: it is not a regular file");
        }
    }

    @Test
    void outThroughASymbolicLinkWritesItsTargetAndKeepsItsMode() throws IOException {
        Path real = dir.resolve("real-predictions.csv");
        Files.writeString(real, "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("predictions-link.csv"), real.getFileName());
        CliRun r = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", link.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals("probability,label", Files.readAllLines(real).get(0));
        assertEquals(570, Files.readAllLines(real).size());

        Path modelLink = Files.createSymbolicLink(dir.resolve("model-link.json"), model.getFileName());
        r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "2", "--backend", "reference",
                "--quiet", "--out", modelLink.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.isSymbolicLink(modelLink));
        assertEquals(2.0, JSON.readTree(model.toFile()).get("training").get("lambda").asDouble(), "written through the link");
        // Back to the model the other tests use.
        assertEquals(0, CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1",
                "--backend", "reference", "--quiet", "--out", model.toString()).code());

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(0, CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", real.toString()).code());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)), "the mode is kept");
    }

    @Test
    void aReadOnlyOutputIsRefusedBeforeAnyWorkUnlessForced() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path frozen = dir.resolve("frozen.csv");
        Files.writeString(frozen, "keep me\n");
        Files.setPosixFilePermissions(frozen, PosixFilePermissions.fromString("r--r--r--"));
        // The data file does not exist: the refusal comes first, before the model and the data are read.
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", dir.resolve("absent.csv").toString(), "--out", frozen.toString()),
                "cannot write " + frozen + ": it is read-only (r--r--r--), not replaced (--force replaces it");
        assertEquals("keep me\n", Files.readString(frozen));
        CliRun r = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", frozen.toString(), "--force");
        assertEquals(0, r.code(), r::toString);
        assertEquals("probability,label", Files.readAllLines(frozen).get(0));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(frozen)), "still read-only");

        Path frozenModel = dir.resolve("frozen-model.json");
        Files.copy(model, frozenModel);
        Files.setPosixFilePermissions(frozenModel, PosixFilePermissions.fromString("r--r-----"));
        byte[] before = Files.readAllBytes(frozenModel);
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--backend", "reference", "--quiet",
                "--penalty", "l2", "--lambda", "3", "--out", frozenModel.toString()), "is read-only");
        assertEquals(new String(before), Files.readString(frozenModel));
        r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--backend", "reference", "--quiet",
                "--penalty", "l2", "--lambda", "3", "--out", frozenModel.toString(), "--force");
        assertEquals(0, r.code(), r::toString);
        assertEquals(3.0, JSON.readTree(frozenModel.toFile()).get("training").get("lambda").asDouble());
        assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(frozenModel)));

        // Charts go through the same rule: a read-only roc.png stays as it was without --force, is replaced with it.
        Path plots = Files.createDirectories(dir.resolve("frozen-plots"));
        Path roc = plots.resolve("roc.png");
        Files.writeString(roc, "not a chart");
        Files.setPosixFilePermissions(roc, PosixFilePermissions.fromString("r--r--r--"));
        r = CliRun.of("evaluate", "--model", model.toString(), "--data", csv.toString(), "--plot", plots.toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("roc.png: it is read-only"), r::toString);
        assertEquals("not a chart", Files.readString(roc));
        r = CliRun.of("evaluate", "--model", model.toString(), "--data", csv.toString(), "--plot", plots.toString(), "--force");
        assertEquals(0, r.code(), r::toString);
        byte[] png = Files.readAllBytes(roc);
        assertEquals(0x89, png[0] & 0xff, "a PNG replaced the read-only file");
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(roc)));
    }

    /**
     * The loader's bound keeps every logit of a file's rows finite, so this is the guard behind it: a model made in
     * code whose logit of a row is ∞ − ∞ is an error naming the data file and the row, 1-based, never a NaN.
     */
    @Test
    void anUndefinedLogitNamesTheFileAndTheRow() {
        LogisticModel huge = new LogisticModel(new double[] {1e308, 1e308}, 0, true, null);
        SavedModel m = new SavedModel(huge, LabelMapping.ZERO_ONE, null, "", "", Double.NaN, Status.CONVERGED_GRADIENT, "", 0, 0, null, null);
        Dataset rows = Dataset.fromRows(new float[][] {{1, -1}, {10, -10}, {0, 1}}, new float[] {0, 1, 0});
        LoadedData data = new LoadedData(rows, true, LabelMapping.ZERO_ONE, Path.of("rows.csv"));
        DataOptions options = new DataOptions();
        options.data = Path.of("rows.csv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoringData.probabilities(m, data, options));
        assertTrue(e.getMessage().startsWith("rows.csv, data row 2 (1-based, header not counted): the logit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScoringData.logits(m, data, options));
    }
}
