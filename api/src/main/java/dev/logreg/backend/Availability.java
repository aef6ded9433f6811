package dev.logreg.backend;

/**
 * Whether a backend can start on this machine, and if not, why (one line: "no libcuda.so.1", "no CUDA device",
 * "driver too old for the PTX", "self-test mismatch", ...).
 */
public record Availability(boolean usable, String reason) {
    public Availability {
        java.util.Objects.requireNonNull(reason, "reason");
    }

    public static Availability usable(String description) { return new Availability(true, description); }

    public static Availability unusable(String reason) { return new Availability(false, reason); }
}
