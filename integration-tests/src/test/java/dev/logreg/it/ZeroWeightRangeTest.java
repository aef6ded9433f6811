package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row range whose weights are all zero contributes nothing: value 0 and gradient 0 on every backend, never 0/0
 * (a mini-batch of such rows must not poison SGD with a NaN).
 */
class ZeroWeightRangeTest {
    static List<String> backends() {
        return Backends.UNDER_TEST;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anAllZeroWeightRangeGivesZeroValueAndGradient(String name) {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] y = {0, 1, 0, 1};
        float[] w = {1, 0, 0, 2};
        Dataset data = Dataset.wrap(x, 2, y, w);
        double[] params = {0.3, -0.2, 0.1};
        try (Backend backend = Backends.openOrSkip(name); ReferenceBackend reference = new ReferenceBackend()) {
            for (Loss loss : List.of(Loss.log(), Loss.mse())) {
                try (DataTerm under = backend.bind(data, loss); DataTerm ref = reference.bind(data, loss)) {
                    double[] g = {Double.NaN, Double.NaN, Double.NaN};
                    assertEquals(0.0, under.valueAndGradient(1, 3, params, g), 0.0, loss + ": value over rows [1, 3)");
                    for (int j = 0; j < g.length; j++) assertEquals(0.0, g[j], 0.0, loss + ": gradient entry " + j);
                    assertEquals(0.0, under.value(1, 3, params), 0.0, loss + ": value-only pass over rows [1, 3)");
                    assertEquals(0.0, under.weightSum(1, 3), 0.0);
                    double[] ge = new double[3];
                    double[] ga = new double[3];
                    Agreement.assertRelative(ref.valueAndGradient(params, ge), under.valueAndGradient(params, ga), 1e-12,
                            loss + ": the whole range, zero-weight rows included");
                }
            }
        }
    }
}
