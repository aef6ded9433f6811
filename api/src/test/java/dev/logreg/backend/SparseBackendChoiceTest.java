package dev.logreg.backend;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.SparseData;
import dev.logreg.testing.WithoutHessian;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which backend sparse data train on ({@link BackendFactory#openFor}): {@code auto} passes over a backend that does
 * not take them ({@link Backend#supportsSparse()} false, the default) and says so; an explicit choice of one is
 * refused by name; dense data choose as before. Every backend started and passed over is closed again.
 */
class SparseBackendChoiceTest {
    private static final SparseData.Pair DATA = SparseData.generate(60, 5, 0.4, 2, false, 3);

    /** A provider of reference backends, with or without sparse support, recording what it started. */
    private static final class Provider implements BackendProvider {
        final String name;
        final int priority;
        final boolean sparse;
        final List<Backend> started = new ArrayList<>();

        Provider(String name, int priority, boolean sparse) {
            this.name = name;
            this.priority = priority;
            this.sparse = sparse;
        }

        @Override public String name() { return name; }

        @Override public int priority() { return priority; }

        @Override public Availability probe() { return Availability.usable("test"); }

        @Override
        public Backend create(BackendOptions options) {
            Backend b = sparse ? new ReferenceBackend() : new WithoutHessian(new ReferenceBackend(), name);
            started.add(b);
            return b;
        }
    }

    private static BackendFactory factory(Provider... providers) {
        return BackendFactory.of(List.of(providers), Map.of(), new Properties());
    }

    private static boolean closed(Backend b) {
        try {
            b.bind(DATA.dense(), dev.logreg.loss.Loss.log()).close();
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Test
    void autoPassesOverBackendsThatDoNotTakeSparseData() {
        Provider gpu = new Provider("gpu", 300, false);
        Provider cpu = new Provider("cpu", 200, false);
        Provider reference = new Provider("reference", 100, true);
        BackendFactory f = factory(gpu, cpu, reference);
        BackendFactory.Opened opened = f.openFor("auto", BackendOptions.DEFAULT, DATA.sparse());
        try (Backend b = opened.backend()) {
            assertEquals("reference", b.name());
            assertEquals("auto chose reference: gpu, cpu do not train on sparse (CSR) data yet", opened.note());
        }
        assertTrue(closed(gpu.started.get(0)) && closed(cpu.started.get(0)), "the backends passed over are closed");

        BackendFactory.Opened dense = f.openFor(null, BackendOptions.DEFAULT, DATA.dense());
        try (Backend b = dense.backend()) {
            assertEquals("gpu", b.name(), "dense data choose as before");
            assertNull(dense.note());
        }
    }

    @Test
    void anExplicitChoiceThatDoesNotTakeSparseDataIsRefusedByName() {
        Provider cpu = new Provider("cpu", 200, false);
        BackendFactory f = factory(cpu, new Provider("reference", 100, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.openFor("cpu", BackendOptions.DEFAULT, DATA.sparse()));
        assertTrue(e.getMessage().startsWith("backend cpu does not train on sparse (CSR) data yet; the data are 60 x 5 with "), e.getMessage());
        assertTrue(closed(cpu.started.get(0)));

        BackendFactory none = factory(new Provider("cpu", 200, false));
        BackendUnavailableException u = assertThrows(BackendUnavailableException.class, () -> none.openFor("auto", BackendOptions.DEFAULT, DATA.sparse()));
        assertTrue(u.getMessage().contains("no usable backend trains on sparse (CSR) data (passed over: cpu)"), u.getMessage());
    }

    @Test
    void logisticRegressionTrainsSparseDataWhereAutoFindsABackendForThem() {
        BackendFactory f = factory(new Provider("cpu", 200, false), new Provider("reference", 100, true));
        LogisticRegression lr = LogisticRegression.builder().factory(f).penalty(Penalty.l2(1)).build();
        TrainingResult sparse = lr.fit(DATA.sparse());
        assertTrue(sparse.message().startsWith("auto chose reference: cpu does not train on sparse (CSR) data yet"), sparse.message());
        TrainingResult dense = lr.fit(DATA.dense());
        assertArrayClose(dense.model().coefficients(), sparse.model().coefficients());
        Dataset sparseData = DATA.sparse();
        assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.builder().factory(f).backendName("cpu").build().fit(sparseData));
    }

    private static void assertArrayClose(double[] a, double[] b) {
        for (int j = 0; j < a.length; j++) assertEquals(a[j], b[j], 1e-9 * (1 + Math.abs(a[j])), "θ" + j);
    }
}
