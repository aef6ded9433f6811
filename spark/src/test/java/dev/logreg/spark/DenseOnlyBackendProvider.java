package dev.logreg.spark;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

/**
 * A test-only backend ({@code dense-only-test}, registered through {@code META-INF/services} of the spark tests): the
 * reference backend declaring that it binds dense rows only ({@link Backend#supportsSparse()} false), as a backend
 * without a sparse pass does; what an explicit choice on sparse data must refuse. Priority below the reference
 * backend, so that {@code auto} never picks it.
 */
public final class DenseOnlyBackendProvider implements BackendProvider {
    @Override public String name() { return "dense-only-test"; }

    @Override public int priority() { return 1; }

    @Override public Availability probe() { return Availability.usable("test backend: the reference backend for dense rows only"); }

    @Override
    public Backend create(BackendOptions options) {
        ReferenceBackend inner = new ReferenceBackend();
        return new Backend() {
            @Override public String name() { return "dense-only-test"; }

            @Override public String description() { return "dense-only-test (" + inner.description() + ", dense rows only)"; }

            @Override public DataTerm bind(Dataset data, Loss loss, BindOptions bindOptions) { return inner.bind(data, loss, bindOptions); }

            @Override public long liveAllocations() { return inner.liveAllocations(); }

            @Override public void close() { inner.close(); }
        };
    }
}
