package dev.logreg.loss;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SquaredErrorLossTest {
    private static final Loss LOSS = Loss.mse();

    @Test
    void derivativeMatchesCentralDifferencesOfValue() {
        for (double y : new double[] {0, 1}) {
            LossGrid.checkDerivative("dℓ/dz (mse), y = " + y, z -> LOSS.value(y, z), z -> LOSS.derivative(y, z));
        }
    }

    @Test
    void secondDerivativeMatchesCentralDifferencesOfDerivative() {
        for (double y : new double[] {0, 1}) {
            LossGrid.checkDerivative("d²ℓ/dz² (mse), y = " + y, z -> LOSS.derivative(y, z), z -> LOSS.secondDerivative(y, z));
        }
    }

    @Test
    void valueIsHalfTheSquaredProbabilityError() {
        // z = 0: σ = 1/2, so ℓ = ½(½ − y)² = 1/8 for either label.
        assertEquals(0.125, LOSS.value(0, 0), 0.0);
        assertEquals(0.125, LOSS.value(1, 0), 0.0);
        // z = ln 3: σ = 3/4; y = 0 → ½·(9/16) = 9/32, y = 1 → ½·(1/16) = 1/32.
        double z = Math.log(3);
        assertTrue(FiniteDifferences.close(9.0 / 32, LOSS.value(0, z), 1e-15, 0), "y = 0 at ln 3: " + LOSS.value(0, z));
        assertTrue(FiniteDifferences.close(1.0 / 32, LOSS.value(1, z), 1e-15, 0), "y = 1 at ln 3: " + LOSS.value(1, z));
        // The confident-correct tail keeps relative accuracy: y = 1, z = 40 → ½σ(−40)².
        double tail = Math.exp(-40) / (1 + Math.exp(-40));
        assertTrue(FiniteDifferences.close(0.5 * tail * tail, LOSS.value(1, 40), 1e-13, 0), "tail: " + LOSS.value(1, 40));
    }

    @Test
    void isNotConvex() {
        assertFalse(LOSS.isConvex());
        // And it really is not: d²ℓ/dz² < 0 on the wrong-confident tail.
        assertTrue(LOSS.secondDerivative(1, -5) < 0, "second derivative at y = 1, z = -5: " + LOSS.secondDerivative(1, -5));
        assertSame(SquaredErrorLoss.INSTANCE, Loss.of(Loss.Kind.MSE));
        assertEquals(Loss.Kind.MSE, LOSS.kind());
    }
}
