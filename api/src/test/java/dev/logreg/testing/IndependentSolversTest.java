package dev.logreg.testing;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test oracles checked against each other and against their own optimality conditions. */
class IndependentSolversTest {
    @Test
    void newtonReachesItsOptimalityConditions() {
        Dataset bc = BundledData.breastCancer();
        IndependentSolvers.Solution s = IndependentSolvers.newtonL2(bc, 1.0);
        assertTrue(s.kktViolation() <= 1e-8, "KKT violation " + s.kktViolation());
    }

    @Test
    void proximalNewtonWithoutL1AgreesWithNewton() {
        Dataset bc = BundledData.breastCancer();
        double[] a = IndependentSolvers.newtonL2(bc, 2.0).params();
        double[] b = IndependentSolvers.proximalNewton(bc, 2.0, 0.0).params();
        for (int j = 0; j < a.length; j++) {
            double err = Math.abs(a[j] - b[j]);
            assertTrue(err <= 1e-7 * Math.max(1, Math.abs(a[j])), "coefficient " + j + ": newton " + a[j] + ", proximal newton " + b[j]);
        }
    }

    @Test
    void proximalNewtonProducesExactZerosWithACertificate() {
        Dataset bc = BundledData.breastCancer();
        IndependentSolvers.Solution s = IndependentSolvers.proximalNewton(bc, 0.5, 1.0);
        assertTrue(s.kktViolation() <= 1e-9, "KKT violation " + s.kktViolation());
        int zeros = 0;
        for (int j = 0; j < bc.cols(); j++) if (s.params()[j] == 0.0) zeros++;
        assertTrue(zeros > 0 && zeros < bc.cols(), zeros + " of " + bc.cols() + " coefficients are zero, expected some but not all");
    }
}
