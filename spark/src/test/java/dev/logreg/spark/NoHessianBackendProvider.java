package dev.logreg.spark;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.testing.WithoutHessian;

/**
 * A test-only backend ({@code no-hessian-test}, registered through {@code META-INF/services} of the spark tests) whose
 * terms compute no Hessian (as the GPU backend's beyond 2,048 features): what Newton on Spark must refuse before it starts. Priority below the
 * reference backend, so that {@code auto} never picks it.
 */
public final class NoHessianBackendProvider implements BackendProvider {
    @Override public String name() { return "no-hessian-test"; }

    @Override public int priority() { return 1; }

    @Override public Availability probe() { return Availability.usable("test backend: the reference backend without its Hessian"); }

    @Override public Backend create(BackendOptions options) { return new WithoutHessian(new ReferenceBackend(), "no-hessian-test"); }
}
