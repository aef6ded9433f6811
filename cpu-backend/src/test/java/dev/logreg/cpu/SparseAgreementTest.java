package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.logreg.cpu.Fixtures.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU backend's sparse terms against {@link ReferenceBackend} on sparse data with empty rows, a row holding every
 * column, power-law columns, weights (some 0), heap and direct multi-block storage, stored and permuted order, both
 * ways of forming Xᵀr (gradient partials and the column-major copy), over the full range and ranges at the start,
 * middle and end; the logits are the reference's to the bit. Dense and sparse binds of the same data agree too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseAgreementTest {
    private static final long SEED = 20240611L;
    private final Map<String, Dataset> data = new HashMap<>();
    private Nd4jBackend cpu;

    @BeforeAll
    void setUp() {
        // 20,011 rows x 500, ~25 nonzeros a row: about ten segments a full pass.
        for (boolean weighted : new boolean[] {false, true}) {
            for (SparseFixtures.Storage s : SparseFixtures.Storage.values()) {
                data.put(key(weighted, s), SparseFixtures.random(20011, 500, 25, 2, weighted, s, weighted ? 5 : 6));
            }
        }
        cpu = new Nd4jBackend(BackendOptions.DEFAULT);
    }

    @AfterAll
    void tearDown() {
        cpu.close();
    }

    private static String key(boolean weighted, SparseFixtures.Storage s) {
        return (weighted ? "weighted-" : "") + s;
    }

    /** Each option meets each other in some case (a covering set, not the full product, to keep the test fast). */
    Stream<Arguments> cases() {
        SparseFixtures.Storage heap = SparseFixtures.Storage.HEAP;
        SparseFixtures.Storage blocks = SparseFixtures.Storage.DIRECT_BLOCKS;
        return Stream.of(
                Arguments.of(Loss.Kind.LOG, false, heap, false, false),
                Arguments.of(Loss.Kind.LOG, true, blocks, true, false),
                Arguments.of(Loss.Kind.LOG, true, blocks, false, true),
                Arguments.of(Loss.Kind.LOG, false, heap, true, true),
                Arguments.of(Loss.Kind.LOG, true, heap, false, false),
                Arguments.of(Loss.Kind.MSE, true, heap, true, false),
                Arguments.of(Loss.Kind.MSE, false, blocks, false, true),
                Arguments.of(Loss.Kind.MSE, true, blocks, true, true));
    }

    @ParameterizedTest(name = "{0} weighted={1} {2} permuted={3} columnMajor={4}")
    @MethodSource("cases")
    void valueGradientAndMarginsMatchReference(Loss.Kind kind, boolean weighted, SparseFixtures.Storage storage, boolean permuted,
                                               boolean columns) {
        Dataset d = data.get(key(weighted, storage));
        Loss loss = Loss.of(kind);
        BindOptions bind = permuted ? BindOptions.permuted(SEED) : BindOptions.DEFAULT;
        int[] perm = permuted ? RowPermutation.of(d.rows(), SEED) : null;
        long m = d.rows();
        long[][] ranges = {{0, m}, {0, 100}, {m / 3, m / 3 + m / 2}, {m - 257, m}, {m - 1, m}};
        try (ReferenceBackend ref = new ReferenceBackend();
             DataTerm expected = ref.bind(d, loss, bind);
             DataTerm actual = cpu.bindSparse(d, loss, bind, columns ? 0 : SparseLayout.DEFAULT_PARTIAL_BUDGET)) {
            assertEquals(columns, ((SparseDataTerm) actual).columnMajor(), "column-major copy made");
            assertEquals(!permuted, ((SparseDataTerm) actual).inPlace(), "rows read in place unless permuted");
            int n1 = d.cols() + 1;
            for (int trial = 0; trial < 2; trial++) {
                double[] p = trial == 0 ? new double[n1] : SparseFixtures.params(1, d.cols(), 25, 77 + trial);
                for (long[] r : ranges) {
                    String what = kind + " " + key(weighted, storage) + " permuted=" + permuted + " rows [" + r[0] + ", " + r[1] + ") trial " + trial;
                    double[] ge = new double[n1];
                    double[] ga = new double[n1];
                    double ve = expected.valueAndGradient(r[0], r[1], p, ge);
                    double va = actual.valueAndGradient(r[0], r[1], p, ga);
                    // Sums of 20,000 terms in another order: n·ε ≈ 2e-12 at worst.
                    assertRelative(ve, va, 1e-11, what + " value");
                    double scale = gradientScale(d, perm, loss, r[0], r[1], p);
                    Fixtures.assertGradient(ge, ga, scale, 1e-13, what);
                    assertRelative(expected.value(r[0], r[1], p), actual.value(r[0], r[1], p), 1e-11, what + " value()");
                    assertEquals(va, actual.value(r[0], r[1], p), what + ": value() is valueAndGradient()'s value to the bit");
                    assertRelative(expected.weightSum(r[0], r[1]), actual.weightSum(r[0], r[1]), 1e-12, what + " weightSum");
                    int k = (int) (r[1] - r[0]);
                    double[] ze = new double[k];
                    double[] za = new double[k];
                    expected.margins(r[0], r[1], p, ze);
                    actual.margins(r[0], r[1], p, za);
                    assertArrayEquals(ze, za, what + ": the logits are the reference's sums, in the same order");
                }
            }
        }
    }

    /**
     * The same rows in one heap block and in many small direct blocks (as a parallel LIBSVM read makes, a block a
     * piece): every sum and every fitted coefficient the same bits, row- and column-major, binary and softmax. The
     * segments and their reduction order follow nonzero positions in the whole dataset, never where a block ends.
     */
    @Test
    void whereBlocksEndChangesNoBit() {
        for (int classes : new int[] {2, 4}) {
            Dataset one = SparseFixtures.random(20011, 500, 25, classes, true, SparseFixtures.Storage.HEAP, 9);
            Dataset many = SparseFixtures.random(20011, 500, 25, classes, true, SparseFixtures.Storage.DIRECT_BLOCKS, 9);
            assertEquals(1, one.blocks().size());
            assertTrue(many.blocks().size() >= 3, "blocks: " + many.blocks().size());
            int outputs = classes == 2 ? 1 : classes;
            Loss loss = classes == 2 ? Loss.log() : Loss.multinomial();
            double[] p = SparseFixtures.params(outputs, one.cols(), 25, 31);
            for (long budget : new long[] {SparseLayout.DEFAULT_PARTIAL_BUDGET, 0}) {
                try (DataTerm a = cpu.bindSparse(one, loss, BindOptions.DEFAULT, budget);
                     DataTerm b = cpu.bindSparse(many, loss, BindOptions.DEFAULT, budget)) {
                    double[] ga = new double[p.length];
                    double[] gb = new double[p.length];
                    String what = classes + " classes, partial budget " + budget;
                    assertEquals(a.valueAndGradient(p, ga), b.valueAndGradient(p, gb), 0.0, what + " value");
                    assertArrayEquals(ga, gb, what + " gradient");
                }
            }
            TrainingOptions o = TrainingOptions.DEFAULT.withLoss(loss).withPenalty(dev.logreg.penalty.Penalty.l2(1.0));
            double[] fitOne = dev.logreg.train.Trainer.fit(cpu, one, o, null).optimization().solution();
            double[] fitMany = dev.logreg.train.Trainer.fit(cpu, many, o, null).optimization().solution();
            assertArrayEquals(fitOne, fitMany, classes + " classes: the fitted parameters");
        }
    }

    @Test
    void denseAndSparseBindsOfTheSameDataAgree() {
        // 20,011 x 120, ~12 nonzeros a row: several segments, and small once dense.
        Dataset sparse = SparseFixtures.random(20011, 120, 12, 2, true, SparseFixtures.Storage.DIRECT_BLOCKS, 7);
        Dataset dense = sparse.toDense();
        double[] p = SparseFixtures.params(1, sparse.cols(), 12, 5);
        for (Loss loss : List.of(Loss.log(), Loss.mse())) {
            for (BindOptions bind : List.of(BindOptions.DEFAULT, BindOptions.permuted(SEED))) {
                try (DataTerm s = cpu.bind(sparse, loss, bind); DataTerm de = cpu.bind(dense, loss, bind)) {
                    assertTrue(s instanceof SparseDataTerm);
                    int n1 = sparse.cols() + 1;
                    double[] gs = new double[n1];
                    double[] gd = new double[n1];
                    double vs = s.valueAndGradient(p, gs);
                    double vd = de.valueAndGradient(p, gd);
                    assertRelative(vd, vs, 1e-12, loss.kind() + " value");
                    double scale = gradientScale(sparse, bind.permutationSeed().isPresent() ? RowPermutation.of(sparse.rows(), SEED) : null,
                            loss, 0, sparse.rows(), p);
                    Fixtures.assertGradient(gd, gs, scale, 1e-12, loss.kind() + " gradient, dense vs sparse");
                    double[] hs = new double[n1];
                    double[] hd = new double[n1];
                    double[] v = SparseFixtures.params(1, sparse.cols(), 12, 6);
                    s.hessianVector(p, v, hs);
                    de.hessianVector(p, v, hd);
                    double hscale = 0;
                    for (double x : hd) hscale = Math.max(hscale, Math.abs(x));
                    Fixtures.assertGradient(hd, hs, hscale, 1e-12, loss.kind() + " hessianVector, dense vs sparse");
                }
            }
        }
    }

    @Test
    void sixteenMillionFeaturesWithAHandfulOfNonzeros() {
        int cols = 1 << 24;
        long[] off = new long[41];
        int[] idx = new int[120];
        float[] val = new float[120];
        float[] y = new float[40];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        int at = 0;
        for (int i = 0; i < 40; i++) {
            int count = i % 5 == 0 ? 0 : 3;
            int j = rnd.nextInt(cols - 3 * (1 << 20));
            for (int q = 0; q < count; q++) {
                j += 1 + rnd.nextInt(1 << 20);
                idx[at] = q == 2 && i == 1 ? cols - 1 : j;  // the last column too
                val[at++] = (float) Fixtures.gaussian(rnd);
            }
            off[i + 1] = at;
            y[i] = i % 3 == 0 ? 1f : 0f;
        }
        Dataset d = Dataset.wrapCsr(off, java.util.Arrays.copyOf(idx, at), java.util.Arrays.copyOf(val, at), cols, y, null, 2);
        double[] p = new double[cols + 1];
        for (int q = 0; q < at; q++) p[idx[q]] = Fixtures.gaussian(rnd);
        p[cols] = 0.3;
        try (ReferenceBackend ref = new ReferenceBackend();
             DataTerm expected = ref.bind(d, Loss.log());
             DataTerm actual = cpu.bind(d, Loss.log())) {
            double[] ge = new double[cols + 1];
            double[] ga = new double[cols + 1];
            assertEquals(expected.valueAndGradient(p, ge), actual.valueAndGradient(p, ga), 1e-15);
            assertArrayEquals(ge, ga, "one segment: the reference's sums, in the same order");
            assertFalse(((SparseDataTerm) actual).columnMajor(), "a handful of nonzeros needs no column-major copy");
            assertEquals(0, cpu.liveAllocations() - 0, "read in place: no off-heap copy");
        }
    }

    /** (1/M) Σ wᵢ |ℓ'(zᵢ)| ‖x̃ᵢ‖ over [from, to) in bound order: the size of the gradient's terms. */
    static double gradientScale(Dataset d, int[] perm, Loss loss, long from, long to, double[] params) {
        int n = d.cols();
        double s = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long src = perm == null ? r : perm[(int) r];
            RowBlock b = d.blockOf(src);
            int local = (int) (src - b.firstRow());
            LongBuffer off = b.rowOffsets();
            IntBuffer idx = b.indices();
            FloatBuffer val = b.values();
            double z = params[n];
            double norm = 1;
            for (int q = (int) off.get(local); q < off.get(local + 1); q++) {
                z += params[idx.get(q)] * val.get(q);
                norm += (double) val.get(q) * val.get(q);
            }
            double w = d.weight(src);
            s += w * Math.abs(loss.derivative(d.label(src), z)) * Math.sqrt(norm);
            m += w;
        }
        return s / m;
    }
}
