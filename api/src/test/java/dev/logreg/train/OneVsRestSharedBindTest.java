package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One-vs-rest on one bind of the K-class rows ({@link Backend#bindOneVsRest}), against K separate binary fits. */
class OneVsRestSharedBindTest {
    private static final TrainingOptions OPTIONS = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(0.5))
            .withCriteria(new StoppingCriteria(500, 1e-10, 1e-15, null));

    /** A backend that forwards to the reference backend and counts binds; shares the rows only where asked. */
    private static final class CountingBackend implements Backend {
        final ReferenceBackend inner = new ReferenceBackend();
        final boolean share;
        int binds;
        int oneVsRestBinds;

        CountingBackend(boolean share) { this.share = share; }

        @Override public String name() { return "counting"; }
        @Override public String description() { return "counting: forwards to reference"; }
        @Override public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
            binds++;
            return inner.bind(data, loss, options);
        }
        @Override public OneVsRestTerms bindOneVsRest(Dataset data, Loss loss, BindOptions options) {
            oneVsRestBinds++;
            return share ? inner.bindOneVsRest(data, loss, options) : Backend.super.bindOneVsRest(data, loss, options);
        }
        @Override public long liveAllocations() { return inner.liveAllocations(); }
        @Override public void close() { inner.close(); }
    }

    private static OneVsRestModel fit(Backend backend, Dataset data, TrainingOptions options) {
        return (OneVsRestModel) OneVsRest.fit(backend, data, rows -> new OneVsRest.Prepared(rows, options), null).classifier();
    }

    @Test
    void theSharedBindGivesTheBitsOfKSeparateBinaryFits() {
        Dataset data = MulticlassData.generate(300, 4, 4, true, 17);
        for (TrainingOptions options : new TrainingOptions[] {OPTIONS, OPTIONS.withOptimizer("newton"), OPTIONS.withOptimizer("sgd")
                .withCriteria(new StoppingCriteria(20, 1e-10, 1e-15, null))}) {
            LogisticModel[] separate = new LogisticModel[4];
            try (ReferenceBackend reference = new ReferenceBackend()) {
                for (int c = 0; c < 4; c++) separate[c] = Trainer.fit(reference, data.oneVsRest(c), options, null).model();
            }
            for (boolean share : new boolean[] {true, false}) {
                try (CountingBackend backend = new CountingBackend(share)) {
                    OneVsRestModel model = fit(backend, data, options);
                    assertEquals(1, backend.oneVsRestBinds, "one bind of the K-class rows");
                    assertEquals(share ? 0 : 4, backend.binds, share ? "no binary view bound" : "the fallback binds each class's view");
                    assertEquals(0, backend.liveAllocations(), "every class term closed");
                    for (int c = 0; c < 4; c++) {
                        LogisticModel m = model.models().get(c);
                        assertArrayEquals(separate[c].coefficients(), m.coefficients(), options.optimizer() + ", class " + c + ", shared " + share);
                        assertEquals(separate[c].intercept(), m.intercept(), options.optimizer() + ", class " + c);
                    }
                }
            }
        }
    }

    @Test
    void eachClassTermIsTheBinaryViewsTermToTheBit() {
        Dataset data = MulticlassData.generate(150, 3, 3, true, 5);
        double[] params = {0.3, -0.2, 0.7, 0.1};
        for (BindOptions order : new BindOptions[] {BindOptions.DEFAULT, BindOptions.permuted(9)}) {
            try (ReferenceBackend backend = new ReferenceBackend(); OneVsRestTerms terms = backend.bindOneVsRest(data, Loss.log(), order)) {
                assertEquals(3, terms.classes());
                for (int c = 0; c < 3; c++) {
                    DataTerm shared = terms.forClass(c);
                    try (DataTerm alone = backend.bind(data.oneVsRest(c), Loss.log(), order)) {
                        double[] g1 = new double[4];
                        double[] g2 = new double[4];
                        assertEquals(alone.valueAndGradient(10, 120, params, g2), shared.valueAndGradient(10, 120, params, g1));
                        assertArrayEquals(g2, g1);
                        double[] h1 = new double[16];
                        double[] h2 = new double[16];
                        alone.hessian(params, h2);
                        shared.hessian(params, h1);
                        assertArrayEquals(h2, h1);
                        assertEquals(alone.weightSum(0, 150), shared.weightSum(0, 150));
                    }
                }
                assertThrows(IllegalArgumentException.class, () -> terms.forClass(3));
                terms.close();
                assertEquals(0, backend.liveAllocations(), "closing the terms closes every class term");
                assertThrows(IllegalStateException.class, () -> terms.forClass(0));
            }
        }
    }

    @Test
    void reweightedClassesAreBoundOnTheirOwnAndTheMultinomialLossIsRefused() {
        Dataset data = MulticlassData.generate(120, 3, 3, false, 8);
        try (CountingBackend backend = new CountingBackend(true)) {
            OneVsRest.fit(backend, data, rows -> {
                Dataset balanced = dev.logreg.data.ClassWeights.balanced(rows);
                return new OneVsRest.Prepared(balanced, OPTIONS);
            }, null);
            assertEquals(0, backend.oneVsRestBinds, "balanced rows differ per class: nothing to share");
            assertEquals(3, backend.binds);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.bindOneVsRest(data, Loss.multinomial(), BindOptions.DEFAULT));
            assertTrue(e.getMessage().contains("multinomial"), e.getMessage());
        }
    }
}
