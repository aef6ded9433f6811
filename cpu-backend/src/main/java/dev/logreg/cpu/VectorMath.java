package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.logreg.cpu.LogisticMath.EXP_FLOOR;
import static dev.logreg.cpu.LogisticMath.LG1;
import static dev.logreg.cpu.LogisticMath.LG2;
import static dev.logreg.cpu.LogisticMath.LG3;
import static dev.logreg.cpu.LogisticMath.LG4;
import static dev.logreg.cpu.LogisticMath.LG5;
import static dev.logreg.cpu.LogisticMath.LG6;
import static dev.logreg.cpu.LogisticMath.LG7;
import static dev.logreg.cpu.LogisticMath.LN2_HI;
import static dev.logreg.cpu.LogisticMath.LN2_LO;
import static dev.logreg.cpu.LogisticMath.LOG2E;
import static dev.logreg.cpu.LogisticMath.ROUNDER;
import static dev.logreg.cpu.LogisticMath.ROUNDER_BITS;
import static dev.logreg.cpu.LogisticMath.SQRT2;
import static dev.logreg.cpu.LogisticMath.TAYLOR;

/**
 * {@link LogisticMath}'s pointwise over L rows at once (one row a lane), operation for operation, so each lane's
 * result is the scalar's bit for bit: the logistic loss and its derivative for a whole vector of logits, with no
 * branch on the data (signs and labels select by masks). Per row it costs a few nanoseconds, where the scalar
 * pointwise with the JIT's {@code Math.exp} and {@code Math.log} took about 25 (half of the SIMD kernel's time).
 * Loaded only with {@code jdk.incubator.vector} (as {@link VectorKernel}). Stateless.
 */
final class VectorMath {
    private VectorMath() {}

    /** e^x lane by lane, x ≤ 0, as {@link LogisticMath#expNonPositive}. */
    static DoubleVector expNonPositive(DoubleVector x) {
        VectorSpecies<Double> s = x.species();
        DoubleVector a = x.max(EXP_FLOOR);
        DoubleVector t = a.mul(LOG2E).add(ROUNDER);
        DoubleVector kd = t.sub(ROUNDER);
        LongVector k = ((LongVector) t.viewAsIntegralLanes()).sub(ROUNDER_BITS);
        DoubleVector r = kd.fma(DoubleVector.broadcast(s, -LN2_HI), a);
        r = kd.fma(DoubleVector.broadcast(s, -LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(s, TAYLOR[11]);
        for (int i = 10; i >= 0; i--) p = p.fma(r, DoubleVector.broadcast(s, TAYLOR[i]));
        DoubleVector one = DoubleVector.broadcast(s, 1.0);
        p = p.fma(r, one);
        DoubleVector poly = p.fma(r, one);
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = k.sub(k1);
        DoubleVector s1 = (DoubleVector) k1.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
        DoubleVector s2 = (DoubleVector) k2.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
        return poly.mul(s1).mul(s2);
    }

    /** log(u) lane by lane, u in [1, 2], as {@link LogisticMath#logOneToTwo}. */
    static DoubleVector logOneToTwo(DoubleVector u) {
        VectorSpecies<Double> sp = u.species();
        VectorMask<Double> upper = u.compare(VectorOperators.GT, SQRT2);
        DoubleVector f = u.blend(u.mul(0.5), upper).sub(1.0);
        DoubleVector dk = DoubleVector.zero(sp).blend(1.0, upper);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector w = z.mul(z);
        DoubleVector t1 = w.mul(w.mul(w.mul(LG6).add(LG4)).add(LG2));
        DoubleVector t2 = z.mul(w.mul(w.mul(w.mul(LG7).add(LG5)).add(LG3)).add(LG1));
        DoubleVector rr = t2.add(t1);
        DoubleVector hfsq = f.mul(0.5).mul(f);
        DoubleVector inner = hfsq.sub(s.mul(hfsq.add(rr)).add(dk.mul(LN2_LO)));
        return dk.mul(LN2_HI).sub(inner.sub(f));
    }

    /**
     * Losses of rows [from, from + L) into {@code loss} and their weighted derivatives w·dℓ/dz into {@code r}, from
     * the logits, labels and weights at the same indices: {@link LogisticMath#pointwise} per lane.
     */
    static void pointwise(VectorSpecies<Double> sp, boolean log, double[] z, double[] y, double[] w, int from,
                          double[] loss, double[] r) {
        DoubleVector zv = DoubleVector.fromArray(sp, z, from);
        DoubleVector yv = DoubleVector.fromArray(sp, y, from);
        DoubleVector wv = DoubleVector.fromArray(sp, w, from);
        DoubleVector e = expNonPositive(zv.abs().neg());
        DoubleVector u = e.add(1.0);
        DoubleVector big = DoubleVector.broadcast(sp, 1.0).div(u);
        DoubleVector small = e.div(u);
        VectorMask<Double> nonNegative = zv.compare(VectorOperators.GE, 0.0);
        DoubleVector p = small.blend(big, nonNegative);
        DoubleVector q = big.blend(small, nonNegative);
        DoubleVector d = p.sub(yv).blend(q.neg(), yv.compare(VectorOperators.EQ, 1.0));
        if (log) {
            wv.mul(d).intoArray(r, from);
            // Written as the scalar's max(z, 0) − y·z + (log(u) − ((u − 1) − e)·big), each operation in its order.
            DoubleVector log1p = logOneToTwo(u).sub(u.sub(1.0).sub(e).mul(big));
            zv.max(0.0).sub(yv.mul(zv)).add(log1p).intoArray(loss, from);
        } else {
            wv.mul(d.mul(p).mul(q)).intoArray(r, from);
            d.mul(0.5).mul(d).intoArray(loss, from);
        }
    }
}
