package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Same input, same bits, with 1, 2 and 3 threads (3 on a 2-core machine too: the cap is lifted for the test), for
 * every pass of the sparse terms (binary and multinomial, gradient partials and column-major Xᵀr) and for the dense
 * terms' Hessian-vector products. The data span many segments, so the threads really split the work.
 */
class SparseDeterminismTest {
    private static final int[] THREADS = {1, 2, 3};

    @Test
    void everySparsePassIsBitIdenticalForOneTwoAndThreeThreads() {
        // 20,011 rows x 2,000, ~25 nonzeros a row: 10 segments a full pass.
        Dataset binary = SparseFixtures.random(20011, 2000, 25, 2, true, SparseFixtures.Storage.DIRECT_BLOCKS, 41);
        Dataset classes = SparseFixtures.random(20011, 2000, 25, 3, true, SparseFixtures.Storage.DIRECT_BLOCKS, 42);
        record Case(String name, Dataset data, Loss loss, BindOptions bind, long budget) {}
        List<Case> cases = List.of(
                new Case("log, partials", binary, Loss.log(), BindOptions.DEFAULT, SparseLayout.DEFAULT_PARTIAL_BUDGET),
                new Case("log, column-major, permuted", binary, Loss.log(), BindOptions.permuted(9), 0),
                new Case("mse, partials, permuted", binary, Loss.mse(), BindOptions.permuted(9), SparseLayout.DEFAULT_PARTIAL_BUDGET),
                new Case("multinomial, partials", classes, Loss.multinomial(), BindOptions.DEFAULT, SparseLayout.DEFAULT_PARTIAL_BUDGET),
                new Case("multinomial, column-major", classes, Loss.multinomial(), BindOptions.DEFAULT, 0));
        for (Case c : cases) {
            List<double[]> first = null;
            for (int threads : THREADS) {
                try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads), Nd4jBackend.Pass.FUSED,
                        Dataset.DEFAULT_BLOCK_CAPACITY, false);
                     DataTerm term = backend.bindSparse(c.data(), c.loss(), c.bind(), c.budget())) {
                    assertEquals(threads, backend.threads());
                    assertEquals(c.budget() == 0, ((SparseDataTerm) term).columnMajor(), c.name() + ": layout");
                    List<double[]> results = passes(term, c.data().cols());
                    if (first == null) {
                        first = results;
                    } else {
                        for (int i = 0; i < results.size(); i++) {
                            assertArrayEquals(first.get(i), results.get(i), c.name() + ": result " + i + " with " + threads + " threads differs from 1 thread");
                        }
                    }
                }
            }
        }
    }

    @Test
    void denseHessianVectorProductsAreBitIdenticalForOneTwoAndThreeThreads() {
        Dataset binary = Fixtures.random(20011, 37, true, new java.util.SplittableRandom(5));
        Dataset classes = SparseFixtures.random(20011, 37, 6, 3, true, SparseFixtures.Storage.HEAP, 6).toDense();
        for (Dataset d : List.of(binary, classes)) {
            Loss loss = d.classes() == 2 ? Loss.log() : Loss.multinomial();
            double[] first = null;
            for (int threads : THREADS) {
                try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads), Nd4jBackend.Pass.FUSED,
                        Dataset.DEFAULT_BLOCK_CAPACITY, false);
                     DataTerm term = backend.bind(d, loss)) {
                    int len = term.shape().length();
                    double[] p = SparseFixtures.params(term.shape().outputs(), d.cols(), d.cols(), 3);
                    double[] v = SparseFixtures.params(term.shape().outputs(), d.cols(), 1, 4);
                    double[] out = new double[len];
                    term.hessianVector(p, v, out);
                    if (first == null) first = out;
                    else assertArrayEquals(first, out, loss.kind() + ": dense Hv with " + threads + " threads differs from 1 thread");
                }
            }
        }
    }

    /** Every pass at fixed inputs, results in a list: gradients, values, margins, Hessian-vector products. */
    private static List<double[]> passes(DataTerm term, int cols) {
        int k = term.shape().outputs();
        int len = term.shape().length();
        long m = term.rows();
        double[] p = SparseFixtures.params(k, cols, 25, 11);
        double[] v = SparseFixtures.params(k, cols, 1, 12);
        List<double[]> out = new ArrayList<>();
        for (long[] r : new long[][] {{0, m}, {m / 5, m - m / 7}, {3, 3000}}) {
            double[] g = new double[len];
            double value = term.valueAndGradient(r[0], r[1], p, g);
            out.add(g);
            out.add(new double[] {value, term.value(r[0], r[1], p), term.weightSum(r[0], r[1])});
            double[] z = new double[(int) (r[1] - r[0]) * k];
            term.margins(r[0], r[1], p, z);
            out.add(z);
        }
        double[] hv = new double[len];
        term.hessianVector(p, v, hv);
        out.add(hv);
        double[] again = new double[len];
        term.hessianVector(p, v, again);  // from the kept curvatures: the same bits
        assertArrayEquals(hv, again, "a Hessian-vector product from the kept curvatures differs from the first");
        double[] other = v.clone();
        for (int i = 0; i < other.length; i++) other[i] = -0.5 * other[i] + 0.01;
        term.hessianVector(p, other, again);
        out.add(again.clone());
        double[] p2 = p.clone();
        p2[0] += 0.25;
        term.hessianVector(p2, v, again);  // new parameters: the curvatures are computed again
        assertTrue(!java.util.Arrays.equals(hv, again), "the product at other parameters must differ");
        out.add(again);
        return out;
    }
}
