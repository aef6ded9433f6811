package dev.logreg.it;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backends under test: every accelerated backend the product ships, whether or not it is usable here. A row
 * for an unusable backend is skipped with the backend's own reason (on a machine without a GPU, the gpu rows).
 */
final class Backends {
    /** The backends cross-checked against the reference. */
    static final List<String> UNDER_TEST = List.of("cpu", "gpu");

    private static final BackendFactory FACTORY = BackendFactory.discover();

    private Backends() {}

    /** Whether {@code name} can run here, and if not why. */
    static Availability availability(String name) {
        return FACTORY.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(FACTORY::availability)
                .orElse(Availability.unusable("backend '" + name + "' not on the class path"));
    }

    /** Opens {@code name}, or skips the calling test with the reason it cannot run here. Caller closes. */
    static Backend openOrSkip(String name) {
        Availability a = availability(name);
        assumeTrue(a.usable(), () -> name + " backend not usable here: " + a.reason());
        return FACTORY.select(BackendChoice.parse(name, "test")).provider().create(BackendOptions.DEFAULT);
    }
}
