package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static dev.logreg.cpu.Fixtures.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Same input, same bits: twice in a row, and with one thread or two (the partition into segments depends on the
 * row range alone). The data span many segments so that two threads really split the work.
 */
class Nd4jBackendDeterminismTest {
    @ParameterizedTest
    @EnumSource(Nd4jBackend.Pass.class)
    void resultsAreBitIdenticalAcrossRunsAndThreadCaps(Nd4jBackend.Pass pass) {
        Dataset data = Fixtures.random(60_013, 41, true, new SplittableRandom(17));
        double[] p = Fixtures.params(data, new SplittableRandom(18));
        double[][] results = new double[3][];
        double[][] hessians = new double[2][];
        int[] caps = {1, 2, 2};
        for (int run = 0; run < 3; run++) {
            try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(caps[run]), pass);
                 DataTerm term = backend.bind(data, Loss.log())) {
                double[] first = Fixtures.evaluate(term, 0, data.rows(), p);
                double[] again = Fixtures.evaluate(term, 0, data.rows(), p);
                assertArrayEquals(first, again, pass + ": two evaluations with " + caps[run] + " threads differ");
                double[] range = Fixtures.evaluate(term, 1234, 50_000, p);
                assertArrayEquals(range, Fixtures.evaluate(term, 1234, 50_000, p), pass + ": range evaluations differ");
                assertEquals(term.value(p), term.value(p), pass + ": value() differs between calls");
                results[run] = first;
                if (run < 2) {
                    hessians[run] = new double[42 * 42];
                    term.hessian(p, hessians[run]);
                }
            }
        }
        assertArrayEquals(results[0], results[1], pass + ": 1 thread and 2 threads differ");
        assertArrayEquals(results[1], results[2], pass + ": two backends with 2 threads differ");
        // The Hessian runs ND4J gemm, whose BLAS threads follow the cap: equal to 1e-12 relative.
        for (int e = 0; e < hessians[0].length; e++) {
            if (hessians[0][e] != 0 || hessians[1][e] != 0) {
                assertRelative(hessians[0][e], hessians[1][e], 1e-12, "hessian[" + e + "] 1 vs 2 threads");
            }
        }
    }
}
