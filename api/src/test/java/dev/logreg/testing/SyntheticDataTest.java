package dev.logreg.testing;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticDataTest {
    /** SHA-256 of {@code hard(100_000, 50, 20240601L)} (features then labels, float32 little-endian); see the class Javadoc. */
    static final String HARD_100K_SHA256 = "2f99d0d685092802420351cf2e67147042235736ac5506c581623e30ac6aaf6d";

    @Test
    void hardSetMatchesItsCommittedChecksum() {
        Dataset d = SyntheticData.hard(100_000, 50, 20240601L);
        assertEquals(100_000, d.rows());
        assertEquals(50, d.cols());
        assertEquals(HARD_100K_SHA256, SyntheticData.sha256(d), "the generator changed: regenerate the golden values and update the checksum");
    }

    @Test
    void seedsDecideTheData() {
        assertEquals(SyntheticData.sha256(SyntheticData.isotropic(500, 5, 1L)), SyntheticData.sha256(SyntheticData.isotropic(500, 5, 1L)));
        assertNotEquals(SyntheticData.sha256(SyntheticData.isotropic(500, 5, 1L)), SyntheticData.sha256(SyntheticData.isotropic(500, 5, 2L)));
        assertNotEquals(SyntheticData.sha256(SyntheticData.hard(500, 5, 1L)), SyntheticData.sha256(SyntheticData.isotropic(500, 5, 1L)));
    }

    @Test
    void hardColumnsSpanDecadesOfScaleAndBothClassesAppear() {
        Dataset d = SyntheticData.hard(20_000, 20, 3L);
        double[] rms = new double[20];
        for (long r = 0; r < d.rows(); r++) for (int j = 0; j < 20; j++) rms[j] += (double) d.feature(r, j) * d.feature(r, j);
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int j = 0; j < 20; j++) {
            double v = Math.sqrt(rms[j] / d.rows());
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertTrue(hi / lo >= 1e3, "column scales span only " + lo + " .. " + hi);
        long[] counts = d.labelCounts();
        assertTrue(counts[0] > 2000 && counts[1] > 2000, "label counts " + counts[0] + ", " + counts[1]);
        // Neighbouring standardized columns are strongly correlated (rho = 0.9).
        double sxy = 0, sxx = 0, syy = 0;
        for (long r = 0; r < d.rows(); r++) {
            double a = d.feature(r, 4), b = d.feature(r, 5);
            sxy += a * b; sxx += a * a; syy += b * b;
        }
        double corr = sxy / Math.sqrt(sxx * syy);
        assertTrue(Math.abs(corr - 0.9) <= 0.02, "correlation of columns 4 and 5 is " + corr + ", expected about 0.9");
    }

    @Test
    void isotropicFeaturesAreStandardNormal() {
        Dataset d = SyntheticData.isotropic(20_000, 4, 5L);
        for (int j = 0; j < 4; j++) {
            double s = 0, ss = 0;
            for (long r = 0; r < d.rows(); r++) { s += d.feature(r, j); ss += (double) d.feature(r, j) * d.feature(r, j); }
            double mean = s / d.rows(), var = ss / d.rows() - mean * mean;
            assertTrue(Math.abs(mean) <= 0.05 && Math.abs(var - 1) <= 0.05, "column " + j + ": mean " + mean + ", variance " + var);
        }
    }
}
