package dev.logreg.kernels;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds {@code nvcc} on the PATH, for tests that need it (and skip, saying so, where it is absent). */
final class Nvcc {
    private Nvcc() {}

    /** The nvcc executable on the PATH, if any. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The kernels module's directory (Maven runs tests there; the fallback covers a run from the repository root). */
    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("src/main/cuda"))) return here;
        Path sub = here.resolve("kernels");
        if (Files.isDirectory(sub.resolve("src/main/cuda"))) return sub;
        throw new IllegalStateException("cannot find kernels/src/main/cuda from " + here);
    }
}
