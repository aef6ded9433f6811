package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.BundledData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Lifecycle on every backend: 1,000 bind/close cycles leave no allocation behind (on the GPU the device's free
 * memory is checked too, in gpu-backend's own tests); closing is idempotent; use after close is an
 * {@link IllegalStateException}.
 */
class LifecycleTest {
    static List<String> backends() {
        return Backends.UNDER_TEST;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThousandBindCloseCyclesLeakNothing(String name) {
        Dataset data = BundledData.breastCancer();
        double[] params = new double[data.cols() + 1];
        double[] g = new double[data.cols() + 1];
        try (Backend backend = Backends.openOrSkip(name)) {
            for (int cycle = 0; cycle < 1000; cycle++) {
                try (DataTerm term = backend.bind(data, cycle % 2 == 0 ? Loss.log() : Loss.mse())) {
                    if (cycle % 100 == 0) term.valueAndGradient(params, g);
                }
                if (backend.liveAllocations() != 0) {
                    assertEquals(0, backend.liveAllocations(), "live allocations after cycle " + cycle);
                }
            }
            assertEquals(0, backend.liveAllocations());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closeIsIdempotentAndUseAfterCloseIsRefused(String name) {
        Dataset data = BundledData.breastCancer();
        Backend backend = Backends.openOrSkip(name);
        DataTerm term = backend.bind(data, Loss.log());
        term.close();
        term.close();
        assertThrows(IllegalStateException.class, () -> term.value(new double[data.cols() + 1]));
        DataTerm open = backend.bind(data, Loss.log());
        backend.close();
        backend.close();
        assertEquals(0, backend.liveAllocations(), "closing the backend closes its bound terms");
        assertThrows(IllegalStateException.class, () -> open.value(new double[data.cols() + 1]));
        assertThrows(IllegalStateException.class, () -> backend.bind(data, Loss.log()));
    }
}
