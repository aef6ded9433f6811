package dev.logreg.cli;

import dev.logreg.io.ModelFile;
import dev.logreg.model.LogisticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code .npy} file larger than the JVM's heap and its direct-memory limit trains, because it is mapped, not read:
 * a child JVM with {@code -Xmx16m -XX:MaxDirectMemorySize=2m} trains on a 20 MB matrix (the copying reader would need
 * 20 MB of direct memory and refuse), and its model has the same bits as the one trained in this JVM from the same
 * rows copied (the matrix with its label column last, a layout that is not mapped).
 */
class MappedNpyCliTest {
    private static final int ROWS = 25_000;
    private static final int COLS = 200;

    @TempDir Path dir;

    /** Writes an .npy header (format 1.0) for {@code shape} and then {@code rows} rows from {@code row}. */
    private static void writeNpy(Path p, String shape, int rows, int width, RowSource row) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
            head.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
            head.put(h.getBytes(StandardCharsets.ISO_8859_1)).flip();
            ch.write(head);
            ByteBuffer b = ByteBuffer.allocate(width * 4).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[width];
            for (int i = 0; i < rows; i++) {
                row.fill(i, v);
                b.clear();
                for (float x : v) b.putFloat(x);
                b.flip();
                ch.write(b);
            }
        }
    }

    interface RowSource {
        void fill(int row, float[] out);
    }

    @Test
    void aFileLargerThanTheHeapAndDirectMemoryTrainsWithTheBitsOfACopy() throws IOException, InterruptedException {
        // Features and labels of a logistic model, from one seeded generator.
        float[][] x = new float[ROWS][COLS];
        float[] y = new float[ROWS];
        SplittableRandom rnd = new SplittableRandom(20);
        for (int i = 0; i < ROWS; i++) {
            double z = 0.2;
            for (int j = 0; j < COLS; j++) {
                x[i][j] = (float) rnd.nextGaussian();
                z += x[i][j] * ((j % 7) - 3) / 20.0;
            }
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        }
        Path features = dir.resolve("X.npy");
        Path labels = dir.resolve("y.npy");
        Path withLabels = dir.resolve("Xy.npy");
        writeNpy(features, "(" + ROWS + ", " + COLS + ")", ROWS, COLS, (i, out) -> System.arraycopy(x[i], 0, out, 0, COLS));
        writeNpy(labels, "(" + ROWS + ",)", ROWS, 1, (i, out) -> out[0] = y[i]);
        writeNpy(withLabels, "(" + ROWS + ", " + (COLS + 1) + ")", ROWS, COLS + 1, (i, out) -> {
            System.arraycopy(x[i], 0, out, 0, COLS);
            out[COLS] = y[i];
        });
        assertTrue(Files.size(features) > 16L << 20, "the matrix must exceed the child's limits");

        Path mappedModel = dir.resolve("mapped.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx16m", "-XX:MaxDirectMemorySize=2m"));
        // The same kernel as this JVM's (the SIMD and the scalar kernel round differently).
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) cmd.add("--add-modules=jdk.incubator.vector");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--data", features.toString(),
                "--labels", labels.toString(), "--backend", "cpu", "--penalty", "l2", "--lambda", "1", "--out", mappedModel.toString()));
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish in 120 s");
        assertEquals(0, p.exitValue(), Files.readString(log));

        Path copiedModel = dir.resolve("copied.json");
        CliRun copied = CliRun.of("train", "--data", withLabels.toString(), "--backend", "cpu", "--penalty", "l2", "--lambda", "1",
                "--out", copiedModel.toString());
        assertEquals(Cli.OK, copied.code(), copied.toString());
        LogisticModel a = ModelFile.read(mappedModel).model();
        LogisticModel b = ModelFile.read(copiedModel).model();
        assertArrayEquals(b.coefficients(), a.coefficients(), "mapped and copied rows: the same coefficients, bit for bit");
        assertEquals(Double.doubleToRawLongBits(b.intercept()), Double.doubleToRawLongBits(a.intercept()));
    }
}
