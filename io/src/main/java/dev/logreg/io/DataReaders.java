package dev.logreg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a data file in any supported format into a {@link dev.logreg.data.Dataset}.
 *
 * <p>Every reader streams: values go straight from the file into float32 row blocks, no per-cell objects are
 * kept. Bad content (an unparsable or missing value, a ragged line, a label that is not a class: a fractional
 * number, or one not among {@link ReadOptions#classes}; a
 * missing column) is an {@link IllegalArgumentException} whose message names the file, the line (or row) and the
 * column. Stateless and thread-safe.
 */
public final class DataReaders {
    private DataReaders() {}

    /**
     * Reads {@code file} as {@code options} say.
     *
     * @throws NoSuchFileException      where the file does not exist
     * @throws IOException              where it cannot be read
     * @throws IllegalArgumentException where its content is bad (the message says where)
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory, expected a data file");
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(file);
        switch (format) {
            case CSV: return CsvDataReader.read(file, options);
            case LIBSVM: return LibsvmDataReader.read(file, options);
            case NPY: return NpyDataReader.read(file, options);
            case NPZ: return NpzDataReader.read(file, options);
            default: throw new AssertionError(format);
        }
    }
}
