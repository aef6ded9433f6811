package dev.logreg.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that a failure loses nothing: into a temporary file beside the target, forced to disk, then
 * renamed over the target ({@code ATOMIC_MOVE}). Readers see the old file or the new one, never a part. Every file
 * logreg writes (the model file, predictions, charts) goes through here. Stateless.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** The bytes of a file, written to the stream given. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes what {@code body} produces to {@code target}; on any failure the temporary file is deleted and
     * {@code target} is as it was. The temporary file is created with the default permissions (those of any new file
     * under the process's umask), so the result is as readable as a file written directly.
     *
     * @throws java.nio.file.NoSuchFileException where the target's directory does not exist
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(String.valueOf(dir), null, "directory does not exist");
        Path tmp = dir.resolve("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                body.writeTo(out);
                out.flush();
                ch.force(true); // the data are on disk before the rename makes them visible
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this only happens on exotic file systems; a plain replace is the best left.
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }
}
