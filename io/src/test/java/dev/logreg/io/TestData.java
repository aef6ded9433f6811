package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The bundled data for this module's tests, parsed the simplest way (String.split, Float.parseFloat) as an
 * independent check of the readers. (Kept here rather than taken from the api test-jar so that this module's
 * tests do not depend on how the api was last installed.)
 */
final class TestData {
    private TestData() {}

    /** {@code data/<name>}, found by walking up from the working directory. */
    static Path path(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("data").resolve(name);
            if (Files.isRegularFile(p)) return p;
            dir = dir.getParent();
        }
        throw new IllegalStateException("data/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Breast cancer, 569 x 30, label column {@code benign} (last). */
    static Dataset breastCancer() {
        try {
            List<String> lines = Files.readAllLines(path("breast-cancer.csv"), StandardCharsets.UTF_8);
            String[] header = lines.get(0).split(",");
            int cols = header.length - 1;
            Dataset.Builder b = Dataset.builder(cols).featureNames(Arrays.asList(header).subList(0, cols));
            float[] row = new float[cols];
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty()) continue;
                String[] f = line.split(",");
                for (int j = 0; j < cols; j++) row[j] = Float.parseFloat(f[j]);
                b.addRow(row, Float.parseFloat(f[cols]));
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
