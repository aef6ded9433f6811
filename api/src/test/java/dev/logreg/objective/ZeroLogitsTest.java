package dev.logreg.objective;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.ForwardingDataTerm;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data term at zero logits from the read's sums ({@link ZeroLogits}): equal to a pass to rounding, only where the
 * sums are those of the bound rows and labels, and a cold fit's first point then costs no pass.
 */
class ZeroLogitsTest {
    /** Binary rows in three blocks, columns centred far from zero (1e3) and near it, with or without weights. */
    private static Dataset data(int rows, int cols, boolean weighted, boolean gather, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<FloatBuffer> xs = new ArrayList<>();
        List<FloatBuffer> ys = new ArrayList<>();
        List<FloatBuffer> ws = weighted ? new ArrayList<>() : null;
        int[] cuts = {0, rows / 3, rows / 2, rows};
        for (int b = 0; b < 3; b++) {
            int count = cuts[b + 1] - cuts[b];
            FloatBuffer x = direct(count * cols);
            FloatBuffer y = direct(count);
            FloatBuffer w = direct(count);
            for (int i = 0; i < count; i++) {
                double score = 0;
                for (int j = 0; j < cols; j++) {
                    double v = r.nextGaussian();
                    score += v * (j % 2 == 0 ? 1 : -0.5);
                    x.put(i * cols + j, (float) (v + (j % 3 == 0 ? 1e3 : 0)));
                }
                y.put(i, score + r.nextGaussian() > 0.3 ? 1f : 0f);
                w.put(i, i % 11 == 4 ? 0f : (float) (0.5 + r.nextDouble()));
            }
            xs.add(x);
            ys.add(y);
            if (weighted) ws.add(w);
        }
        return Dataset.wrapBlocks(xs, cols, ys, ws, null, 2, gather);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void equalToAPassAtZeroLogitsToRounding() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = data(3000, 9, weighted, true, weighted ? 5 : 6);
            ZeroLogits z = ZeroLogits.of(d, Loss.log()).orElseThrow();
            double[] fromSums = new double[10];
            double[] fromPass = new double[10];
            double v;
            try (ReferenceBackend backend = new ReferenceBackend(); DataTerm term = backend.bind(d, Loss.log(), BindOptions.DEFAULT)) {
                v = term.valueAndGradient(new double[10], fromPass);
            }
            // log 2 exactly, where the pass adds 3,000 rounded losses (5e-14 off on these rows)
            assertEquals(v, z.valueAndGradient(fromSums), 1e-12 * v, "value");
            double scale = 0;
            for (double g : fromPass) scale = Math.max(scale, Math.abs(g));
            for (int j = 0; j < 10; j++) {
                assertEquals(fromPass[j], fromSums[j], 1e-12 * scale, (weighted ? "weighted, " : "") + "gradient " + j);
            }
            assertEquals(d.weightSum(), z.weight(), 1e-9 * d.weightSum());
        }
    }

    @Test
    void onlyWhereTheSumsAreOfTheseRowsAndLabels() {
        Dataset d = data(600, 4, false, true, 7);
        assertTrue(ZeroLogits.of(d, Loss.log()).isPresent());
        assertTrue(ZeroLogits.of(d, Loss.mse()).isEmpty(), "another loss");
        assertTrue(ZeroLogits.of(data(600, 4, false, false, 7), Loss.log()).isEmpty(), "no sums gathered");
        assertTrue(ZeroLogits.of(d.oneVsRest(0), Loss.log()).isEmpty(), "relabelled");
        assertTrue(ZeroLogits.of(d.select(new int[] {5, 2, 9}), Loss.log()).isEmpty(), "other rows");
        assertTrue(ZeroLogits.of(d.toSparse(), Loss.log()).isEmpty(), "sparse rows");
        assertTrue(ZeroLogits.of(d.withClasses(3), Loss.log()).isEmpty(), "three classes");
    }

    /** A reference backend whose terms count their passes at zero parameters. */
    private static final class CountingBackend implements Backend {
        final ReferenceBackend inner = new ReferenceBackend();
        int passesAtZero;

        @Override public String name() { return "counting"; }
        @Override public String description() { return "counting: forwards to reference"; }
        @Override public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
            return new ForwardingDataTerm(inner.bind(data, loss, options)) {
                @Override public double valueAndGradient(long from, long to, double[] p, double[] g) {
                    boolean zero = true;
                    for (double x : p) zero &= x == 0;
                    if (zero) passesAtZero++;
                    return super.valueAndGradient(from, to, p, g);
                }
            };
        }
        @Override public long liveAllocations() { return inner.liveAllocations(); }
        @Override public void close() { inner.close(); }
    }

    @Test
    void aColdFitMakesNoPassAtItsFirstPoint() {
        TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)).withCriteria(new StoppingCriteria(500, 1e-10, 1e-15, null));
        double[][] coefficients = new double[2][];
        int[] passes = new int[2];
        for (int gathered = 0; gathered < 2; gathered++) {
            try (CountingBackend backend = new CountingBackend()) {
                coefficients[gathered] = Trainer.fit(backend, data(2000, 6, true, gathered == 1, 11), options, null).model().coefficients();
                passes[gathered] = backend.passesAtZero;
            }
        }
        assertEquals(1, passes[0], "without the read's sums the first point is a pass");
        assertEquals(0, passes[1], "with them it is not");
        try (CountingBackend backend = new CountingBackend()) {
            Trainer.fit(backend, data(2000, 6, true, true, 11), options.withPrecondition(false), null);
            assertEquals(1, backend.passesAtZero, "without the preconditioner a fit depends on the term's passes alone");
        }
        for (int j = 0; j < coefficients[0].length; j++) {
            assertEquals(coefficients[0][j], coefficients[1][j], 1e-7 * (1 + Math.abs(coefficients[0][j])), "the same optimum, coefficient " + j);
        }
    }
}
