package dev.logreg.testing;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

/**
 * A backend whose terms compute no Hessian ({@link DataTerm#supportsHessian()} false) and no Hessian-vector products
 * ({@link DataTerm#supportsHessianVector()} false), as the GPU backend's did, around
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
        return new ForwardingDataTerm(inner.bind(data, loss, options)) {
            @Override public boolean supportsHessian() { return false; }

            @Override
            public void hessian(double[] p, double[] out) {
                throw new UnsupportedOperationException(name + " computes no Hessian");
            }

            @Override public boolean supportsHessianVector() { return false; }

            @Override
            public void hessianVector(double[] p, double[] v, double[] out) {
                throw new UnsupportedOperationException(name + " computes no Hessian-vector products");
            }
        };
    }

    @Override public long liveAllocations() { return inner.liveAllocations(); }

    @Override public void close() { inner.close(); }
}
