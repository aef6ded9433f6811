package dev.logreg.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    /**
     * The file gets the permissions of any new file (the umask's), not the owner-only ones of
     * {@code Files.createTempFile}: a model file or a prediction file must be readable where a plainly written one is.
     */
    @Test
    void theFileHasTheDefaultPermissionsOfANewFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("written.csv");
        AtomicFile.write(written, out -> out.write("a,b\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        AtomicFile.write(written, out -> out.write("c\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("c\n", Files.readString(written), "replaced");
    }

    @Test
    void aMissingDirectoryIsNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFile.write(dir.resolve("no/such/file"), out -> { }));
        assertEquals(dir.resolve("no/such").toString(), e.getFile());
    }
}
