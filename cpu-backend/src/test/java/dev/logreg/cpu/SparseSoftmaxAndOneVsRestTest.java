package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse multinomial term against the reference backend (logits to the bit, values and gradients to rounding, in
 * both Xᵀr layouts, stored and permuted); one-vs-rest over sparse rows bound once equal to the per-class binds bit for
 * bit; what a sparse bind holds and frees.
 */
class SparseSoftmaxAndOneVsRestTest {
    @Test
    void multinomialMatchesReference() {
        Dataset d = SparseFixtures.random(15013, 400, 20, 5, true, SparseFixtures.Storage.DIRECT_BLOCKS, 51);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT); ReferenceBackend ref = new ReferenceBackend()) {
            for (BindOptions bind : List.of(BindOptions.DEFAULT, BindOptions.permuted(8))) {
                for (long budget : new long[] {SparseLayout.DEFAULT_PARTIAL_BUDGET, 0}) {
                    try (DataTerm expected = ref.bind(d, Loss.multinomial(), bind);
                         DataTerm actual = cpu.bindSparse(d, Loss.multinomial(), bind, budget)) {
                        assertEquals(budget == 0, ((SparseDataTerm) actual).columnMajor());
                        int len = actual.shape().length();
                        double[] p = SparseFixtures.params(5, d.cols(), 20, 52);
                        long m = d.rows();
                        for (long[] r : new long[][] {{0, m}, {17, 4000}, {m - 1, m}}) {
                            String what = bind + " budget " + budget + " rows [" + r[0] + ", " + r[1] + ")";
                            double[] ge = new double[len];
                            double[] ga = new double[len];
                            double ve = expected.valueAndGradient(r[0], r[1], p, ge);
                            double va = actual.valueAndGradient(r[0], r[1], p, ga);
                            Fixtures.assertRelative(ve, va, 1e-11, what + " value");
                            assertEquals(va, actual.value(r[0], r[1], p), what + ": value() is valueAndGradient()'s value to the bit");
                            double top = 0;
                            for (double g : ge) top = Math.max(top, Math.abs(g));
                            Fixtures.assertGradient(ge, ga, top, 1e-11, what);
                            double[] ze = new double[(int) (r[1] - r[0]) * 5];
                            double[] za = new double[ze.length];
                            expected.margins(r[0], r[1], p, ze);
                            actual.margins(r[0], r[1], p, za);
                            assertArrayEquals(ze, za, what + ": logits are the reference's sums, in the same order");
                        }
                    }
                }
            }
        }
    }

    @Test
    void oneVsRestOverRowsBoundOnceEqualsOneBindPerClass() {
        Dataset d = SparseFixtures.random(9001, 300, 15, 4, true, SparseFixtures.Storage.DIRECT_BLOCKS, 61);
        double[] p = SparseFixtures.params(1, d.cols(), 15, 62);
        double[] v = SparseFixtures.params(1, d.cols(), 1, 63);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            for (BindOptions bind : List.of(BindOptions.DEFAULT, BindOptions.permuted(3))) {
                try (OneVsRestTerms terms = cpu.bindOneVsRest(d, Loss.log(), bind)) {
                    assertEquals(4, terms.classes());
                    for (int c = 0; c < 4; c++) {
                        DataTerm shared = terms.forClass(c);
                        try (DataTerm alone = cpu.bind(d.oneVsRest(c), Loss.log(), bind)) {
                            int len = d.cols() + 1;
                            double[] gs = new double[len];
                            double[] ga = new double[len];
                            assertEquals(alone.valueAndGradient(p, ga), shared.valueAndGradient(p, gs), "class " + c + " value");
                            assertArrayEquals(ga, gs, "class " + c + " gradient");
                            alone.hessianVector(p, v, ga);
                            shared.hessianVector(p, v, gs);
                            assertArrayEquals(ga, gs, "class " + c + " Hessian-vector product");
                        }
                    }
                }
                assertEquals(0, cpu.liveAllocations(), "closing the one-vs-rest terms frees their rows");
            }
            assertThrows(IllegalArgumentException.class, () -> cpu.bindOneVsRest(d, Loss.multinomial(), BindOptions.DEFAULT));
            // Left open: the backend's close frees it.
            cpu.bindOneVsRest(d, Loss.log(), BindOptions.permuted(1)).forClass(0);
            assertTrue(cpu.liveAllocations() > 0);
        }
    }

    @Test
    void sparseRowsAreReadInPlaceUnlessPermutedAndEveryCopyIsFreed() {
        Dataset d = SparseFixtures.random(12000, 200, 10, 2, true, SparseFixtures.Storage.DIRECT_BLOCKS, 71);
        Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT);
        assertTrue(cpu.supportsSparse());
        try (DataTerm inPlace = cpu.bind(d, Loss.log())) {
            assertEquals(0, cpu.liveAllocations(), "in place: nothing allocated off-heap");
            try (DataTerm permuted = cpu.bind(d, Loss.log(), BindOptions.permuted(2));
                 DataTerm columns = cpu.bindSparse(d, Loss.log(), BindOptions.DEFAULT, 0)) {
                assertTrue(cpu.liveAllocations() > 0);
                assertTrue(((SparseDataTerm) columns).columnMajor());
            }
            assertEquals(0, cpu.liveAllocations(), "closing the terms frees their copies");
        }
        DataTerm leftOpen = cpu.bind(d, Loss.log(), BindOptions.permuted(2));
        assertTrue(cpu.liveAllocations() > 0);
        cpu.close();
        assertEquals(0, cpu.liveAllocations(), "closing the backend frees every term's copy");
        assertThrows(IllegalStateException.class, () -> leftOpen.value(new double[201]));
        assertThrows(IllegalArgumentException.class, () -> new Nd4jBackend(BackendOptions.DEFAULT).bind(d, Loss.squaredHinge()));
    }
}
