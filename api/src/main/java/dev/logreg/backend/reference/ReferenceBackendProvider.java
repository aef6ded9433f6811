package dev.logreg.backend.reference;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;

/** Registers {@link ReferenceBackend} with the factory. Always usable; lowest priority in {@code auto} mode. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override public String name() { return "reference"; }

    @Override public int priority() { return 100; }

    @Override public Availability probe() { return Availability.usable("plain Java, float64, always available"); }

    @Override public Backend create(BackendOptions options) { return new ReferenceBackend(); }
}
