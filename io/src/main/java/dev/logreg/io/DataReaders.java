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
     * Reads {@code file} as {@code options} say, large CSV and LIBSVM files on one thread per core.
     *
     * @throws NoSuchFileException      where the file does not exist
     * @throws IOException              where it cannot be read
     * @throws IllegalArgumentException where its content is bad (the message says where)
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        return read(file, options, 0);
    }

    /**
     * Reads {@code file} as {@code options} say, a large CSV or LIBSVM file parsed on up to {@code threads} threads
     * (0: one per core, at most {@link CsvDataReader#MAX_THREADS}; 1: on one thread). The dataset, and the message of
     * a bad file (its first bad line), are the same whatever the threads.
     *
     * @throws NoSuchFileException      where the file does not exist
     * @throws IOException              where it cannot be read
     * @throws IllegalArgumentException where its content is bad (the message says where), or {@code threads < 0}
     */
    public static LoadedData read(Path file, ReadOptions options, int threads) throws IOException {
        Objects.requireNonNull(file, "file");
        if (threads < 0) throw new IllegalArgumentException("threads is " + threads + ", expected 0 (one per core) or more");
        int t = Math.min(CsvDataReader.MAX_THREADS, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        Objects.requireNonNull(options, "options");
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory, expected a data file");
        DataFormat format = options.format() != null ? options.format() : DataFormat.fromFileName(file);
        switch (format) {
            case CSV: return CsvDataReader.read(file, options, t);
            case LIBSVM: return LibsvmDataReader.read(file, options, t);
            case NPY: return NpyDataReader.read(file, options);
            case NPZ: return NpzDataReader.read(file, options);
            default: throw new AssertionError(format);
        }
    }
}
