package dev.logreg.testing;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

/**
 * A backend whose terms compute no Hessian ({@link DataTerm#supportsHessian()} false), as the GPU backend's, around
 * another backend (usually the reference): for the paths that must fall back or refuse where no Hessian exists.
 */
public final class WithoutHessian implements Backend {
    private final Backend inner;
    private final String name;

    /** Wraps {@code inner} (closed with this) under {@code name}. */
    public WithoutHessian(Backend inner, String name) {
        this.inner = inner;
        this.name = name;
    }

    @Override public String name() { return name; }

    @Override public String description() { return name + " (" + inner.description() + " without its Hessian)"; }

    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
        DataTerm t = inner.bind(data, loss, options);
        return new DataTerm() {
            @Override public long rows() { return t.rows(); }
            @Override public int features() { return t.features(); }
            @Override public double weightSum(long from, long to) { return t.weightSum(from, to); }
            @Override public double valueAndGradient(long from, long to, double[] p, double[] g) { return t.valueAndGradient(from, to, p, g); }
            @Override public double value(long from, long to, double[] p) { return t.value(from, to, p); }
            @Override public void margins(long from, long to, double[] p, double[] out) { t.margins(from, to, p, out); }
            @Override public void close() { t.close(); }
        };
    }

    @Override public long liveAllocations() { return inner.liveAllocations(); }

    @Override public void close() { inner.close(); }
}
