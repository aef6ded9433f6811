package dev.logreg.testing;

import dev.logreg.backend.DataTerm;

/** A {@link DataTerm} that forwards every call to another; tests override the one they want to change. */
public class ForwardingDataTerm implements DataTerm {
    private final DataTerm inner;

    public ForwardingDataTerm(DataTerm inner) {
        this.inner = inner;
    }

    @Override public long rows() { return inner.rows(); }
    @Override public int features() { return inner.features(); }
    @Override public double weightSum(long from, long to) { return inner.weightSum(from, to); }
    @Override public double valueAndGradient(long from, long to, double[] p, double[] g) { return inner.valueAndGradient(from, to, p, g); }
    @Override public double value(long from, long to, double[] p) { return inner.value(from, to, p); }
    @Override public void margins(long from, long to, double[] p, double[] out) { inner.margins(from, to, p, out); }
    @Override public boolean supportsHessian() { return inner.supportsHessian(); }
    @Override public void hessian(double[] p, double[] out) { inner.hessian(p, out); }
    @Override public boolean supportsHessianVector() { return inner.supportsHessianVector(); }
    @Override public void hessianVector(double[] p, double[] v, double[] out) { inner.hessianVector(p, v, out); }
    @Override public java.util.Optional<dev.logreg.objective.ColumnStatistics> columnStatistics(dev.logreg.data.Dataset data) { return inner.columnStatistics(data); }
    @Override public void close() { inner.close(); }
}
