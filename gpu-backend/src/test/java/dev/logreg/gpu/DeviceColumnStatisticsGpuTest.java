package dev.logreg.gpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.train.BoundData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The column statistics on the device ({@link DeviceColumnStatistics}, column_stats.cu) against
 * {@link ColumnStatistics#of(Dataset)}, bit for bit: several widths (1, 7, 100, 129, 1000 columns, padded and not on the
 * device), weighted (some weights 0) and not, rows in several blocks, each spanning several of the pass's chunks where
 * the sizes allow, a block whose last chunk is one row, a first row far from the rest (the shift). On a device or
 * under simcuda; skipped with the probe's reason elsewhere. Through {@link BoundData#statistics()} too: the device
 * where the rows are in the dataset's order and n ≥ {@value DeviceColumnStatistics#MIN_FEATURES}, the host otherwise.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceColumnStatisticsGpuTest {
    private CudaBackend gpu;

    @BeforeAll
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterAll
    void close() {
        GpuTestSupport.closeChecked(gpu);
    }

    /**
     * Blocks of the given row counts, {@code cols} columns: column j about 1000 (j % 5) with noise of scale 1 + j % 3,
     * column 3 constant; the first row about 1e4 in every column (a shift far from the mean); weights in [0, 2), every
     * eleventh 0, where asked.
     */
    static Dataset data(long seed, int cols, boolean weighted, int... blockRows) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Dataset> parts = new ArrayList<>();
        boolean first = true;
        for (int rows : blockRows) {
            float[] x = new float[Math.multiplyExact(rows, cols)];
            float[] y = new float[rows];
            float[] w = weighted ? new float[rows] : null;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double v = j == 3 ? 2.5 : 1000.0 * (j % 5) + r.nextGaussian() * (1 + j % 3);
                    if (first && i == 0) v = 1e4 + r.nextGaussian();
                    x[i * cols + j] = (float) v;
                }
                y[i] = i % 2;
                if (weighted) w[i] = i % 11 == 4 ? 0f : (float) (2 * r.nextDouble());
            }
            first = false;
            parts.add(Dataset.wrap(x, cols, y, w));
        }
        return parts.size() == 1 ? parts.get(0) : Dataset.concat(parts);
    }

    private static void assertSameBits(ColumnStatistics want, ColumnStatistics got, String what) {
        double[][] w = {want.mean(), want.std(), want.rms()};
        double[][] g = {got.mean(), got.std(), got.rms()};
        String[] names = {"mean", "std", "rms"};
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < w[k].length; j++) {
                if (Double.doubleToRawLongBits(w[k][j]) != Double.doubleToRawLongBits(g[k][j])) {
                    throw new AssertionError(what + ": " + names[k] + "[" + j + "] is " + g[k][j] + " on the device, " + w[k][j] + " on the host");
                }
            }
        }
    }

    /** Chunk rows of the pass: 2^20 / n (n = 1000: 1048, so a block of 1049 rows ends in a chunk of one row). */
    @ParameterizedTest
    @CsvSource({
            "1, true, 5:1:300", "1, false, 40", "7, true, 3:200:2", "7, false, 1:1",
            "100, true, 300:1:250", "100, false, 64",
            "129, true, 8129:3", "129, false, 100:100",
            "1000, true, 1049:2100:1", "1000, false, 1049:1",
    })
    void theDevicePassGivesTheHostsBits(int cols, boolean weighted, String blocks) {
        int[] rows = java.util.Arrays.stream(blocks.split(":")).mapToInt(Integer::parseInt).toArray();
        Dataset d = data(31L * cols + rows.length, cols, weighted, rows);
        long chunks = ColumnStatistics.chunkFences(d).length - 1;
        ColumnStatistics host = ColumnStatistics.of(d);
        long before = gpu.liveAllocations();
        try (CudaDataTerm term = (CudaDataTerm) gpu.bind(d, Loss.log(), BindOptions.DEFAULT)) {
            long bound = gpu.liveAllocations();
            Optional<ColumnStatistics> device = term.columnStatisticsOnDevice(d);
            assertTrue(device.isPresent(), "the partial sums did not fit");
            String what = cols + " columns, blocks " + blocks + (weighted ? ", weighted" : "") + ", " + chunks + " chunks";
            assertSameBits(host, device.get(), what);
            assertEquals(bound, gpu.liveAllocations(), "device buffers left by the statistics: " + what);
            // Twice: the same bits (the emulation runs the second launch's threads in the other order).
            assertSameBits(host, term.columnStatisticsOnDevice(d).get(), what + ", again");
            assertEquals(cols >= DeviceColumnStatistics.MIN_FEATURES, term.columnStatistics(d).isPresent(), "the term's choice: " + what);
        }
        assertEquals(before, gpu.liveAllocations());
    }

    @Test
    void theCasesSpanSeveralChunks() {
        // The sizes above do what their comments say: several chunks a block, a last chunk of one row.
        long[] f = ColumnStatistics.chunkFences(data(1, 1000, true, 1049, 2100, 1));
        assertEquals(List.of(0L, 1048L, 1049L, 2097L, 3145L, 3149L, 3150L), java.util.Arrays.stream(f).boxed().toList());
        assertEquals(4, ColumnStatistics.chunkFences(data(1, 129, true, 8129, 3)).length);
    }

    @Test
    void boundDataTakesTheDevicesStatisticsInDataOrderAndTheHostsWhenPermuted() {
        Dataset d = data(77, 20, true, 500, 700);
        ColumnStatistics host = ColumnStatistics.of(d);
        try (BoundData bound = BoundData.bind(gpu, d, Loss.log(), BindOptions.DEFAULT)) {
            assertTrue(bound.term().columnStatistics(d).isPresent(), "rows in data order: the device's statistics");
            assertSameBits(host, bound.statistics(), "bound in data order");
        }
        TrainingOptions sgd = TrainingOptions.DEFAULT.withOptimizer("sgd");
        try (BoundData bound = Trainer.bind(gpu, d, sgd)) {
            assertTrue(bound.term().columnStatistics(d).isEmpty(), "permuted rows: the host's statistics");
            assertSameBits(host, bound.statistics(), "bound permuted");
        }
        assertEquals(0, gpu.liveAllocations());
    }

    @Test
    void theMultinomialTermGivesTheHostsBitsToo() {
        Dataset binary = data(91, 30, true, 400, 1, 300);
        float[] x = new float[Math.toIntExact(binary.rows() * 30)];
        float[] y = new float[Math.toIntExact(binary.rows())];
        float[] w = new float[y.length];
        int row = 0;
        for (var b : binary.blocks()) {
            b.features().get(x, row * 30, b.rows() * 30);
            for (int i = 0; i < b.rows(); i++) {
                y[row + i] = (row + i) % 3;
                w[row + i] = b.weight(i);
            }
            row += b.rows();
        }
        Dataset d = Dataset.wrap(x, 30, y, w, 3);
        try (BoundData bound = BoundData.bind(gpu, d, Loss.multinomial(), BindOptions.DEFAULT)) {
            assertTrue(bound.term() instanceof CudaSoftmaxTerm, bound.term().getClass().getName());
            Optional<ColumnStatistics> device = bound.term().columnStatistics(d);
            assertTrue(device.isPresent(), "the multinomial term's rows are in data order");
            assertSameBits(ColumnStatistics.of(d), device.get(), "multinomial, 30 columns");
        }
        assertEquals(0, gpu.liveAllocations());
    }
}
