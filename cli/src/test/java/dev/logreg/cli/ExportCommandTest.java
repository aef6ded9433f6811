package dev.logreg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logreg.io.ModelFile;
import dev.logreg.onnx.OnnxExport;
import dev.logreg.onnx.OnnxExport.Precision;
import dev.logreg.onnx.proto.OnnxMl.ModelProto;
import dev.logreg.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code logreg export}: writes, atomically, the bytes of {@link OnnxExport} for the model file (which the onnx
 * module's tests score with ONNX Runtime), and refuses a bad model file or output path with one line and exit 2.
 */
class ExportCommandTest {
    @TempDir
    static Path dir;

    private static Path model;

    @BeforeAll
    static void train() {
        model = dir.resolve("model.json");
        CliRun r = CliRun.of("train", "--data", CliRun.data("breast-cancer.csv").toString(), "--label", "benign", "--penalty", "l2",
                "--backend", "reference", "--quiet", "--out", model.toString());
        assertEquals(0, r.code(), r::toString);
    }

    @Test
    void writesTheOnnxModelOfTheModelFile() throws IOException {
        Path out = dir.resolve("model.onnx");
        CliRun r = CliRun.of("export", "--model", model.toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("wrote " + out + ": binary model, 2 classes [0, 1], 30 features; input X float32 [N, 30], outputs label (int64 [N]) "
                + "and probabilities (float64 [N, 2]); ONNX IR version 7, opset 13\n", r.out());
        assertEquals("", r.err());
        byte[] written = Files.readAllBytes(out);
        assertArrayEquals(OnnxExport.toBytes(ModelFile.read(model), OnnxExport.Options.DEFAULT), written);
        ModelProto onnx = ModelProto.parseFrom(written);
        assertEquals("X", onnx.getGraph().getInput(0).getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, onnx.getGraph().getInput(0).getType().getTensorType().getElemType());

        Path f32 = dir.resolve("model-f32.onnx");
        r = CliRun.of("export", "--model", model.toString(), "--out", f32.toString(), "--precision", "float", "--double-input");
        assertEquals(0, r.code(), r::toString);
        OnnxExport.Options options = OnnxExport.Options.DEFAULT.withGraph(Precision.FLOAT).withInput(Precision.DOUBLE);
        assertArrayEquals(OnnxExport.toBytes(ModelFile.read(model), options), Files.readAllBytes(f32));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aModelFileOfAnUnknownVersionIsRefusedWithOneLine() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(model.toFile());
        root.put("formatVersion", 99);
        Path future = dir.resolve("future.json");
        json.writeValue(future.toFile(), root);
        Path out = dir.resolve("future.onnx");
        Files.writeString(out, "previous export");
        CliRun r = CliRun.of("export", "--model", future.toString(), "--format", "onnx", "--out", out.toString());
        assertBadInput(r, "logreg: error: " + future + " has model format version 99, newer than the version " + ModelFile.FORMAT_VERSION);
        assertEquals("previous export", Files.readString(out), "the file is left as it was");
    }

    @Test
    void anUnwritableOutIsRefusedBeforeTheModelIsRead() throws IOException {
        Path absent = dir.resolve("absent.json"); // the refusal comes first: the model file is never read
        assertBadInput(CliRun.of("export", "--model", absent.toString(), "--out", dir.resolve("no-such-dir").resolve("m.onnx").toString()),
                "logreg: error: no such file: " + dir.resolve("no-such-dir") + " (directory does not exist)");
        assertBadInput(CliRun.of("export", "--model", absent.toString(), "--out", dir.toString()),
                "logreg: error: cannot write " + dir + ": it is a directory, expected a file");

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path frozen = dir.resolve("frozen.onnx");
        Files.writeString(frozen, "keep me");
        Files.setPosixFilePermissions(frozen, PosixFilePermissions.fromString("r--r--r--"));
        assertBadInput(CliRun.of("export", "--model", absent.toString(), "--out", frozen.toString()),
                "logreg: error: cannot write " + frozen + ": it is read-only (r--r--r--), not replaced (--force replaces it, keeping it read-only)");
        assertEquals("keep me", Files.readString(frozen));
        CliRun r = CliRun.of("export", "--model", model.toString(), "--out", frozen.toString(), "--force");
        assertEquals(0, r.code(), r::toString);
        assertArrayEquals(OnnxExport.toBytes(ModelFile.read(model), OnnxExport.Options.DEFAULT), Files.readAllBytes(frozen));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(frozen)), "still read-only");
    }

    @Test
    void badOptionsAreRefusedWithOneLine() {
        Path out = dir.resolve("never.onnx");
        assertBadInput(CliRun.of("export", "--model", model.toString(), "--format", "pmml", "--out", out.toString()),
                "logreg: error: --format is 'pmml', expected onnx");
        assertBadInput(CliRun.of("export", "--model", model.toString(), "--precision", "half", "--out", out.toString()),
                "logreg: error: --precision is 'half', expected double or float");
        assertBadInput(CliRun.of("export", "--model", model.toString()), "logreg: Missing required option: '--out=FILE'");
        assertFalse(Files.exists(out));
    }

    /** Exit 2 and one line on standard error that starts with {@code start}, nothing on standard output. */
    private static void assertBadInput(CliRun r, String start) {
        assertEquals(2, r.code(), r::toString);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith(start), r::toString);
        assertEquals("", r.out(), r::toString);
    }
}
