package dev.logreg.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
    void temporaryNamesAreRandomAndUuidShaped() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String part = AtomicFile.randomPart();
            assertTrue(part.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), part);
            assertTrue(seen.add(part), "repeated: " + part);
        }
    }

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

    private static void text(Path p, String s) throws IOException {
        AtomicFile.write(p, out -> out.write(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        Path real = other.resolve("real.csv");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("other/real.csv")); // relative
        Path link2 = Files.createSymbolicLink(dir.resolve("link2.csv"), link);                    // a chain
        text(link2, "new");
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(link2), "the links are still links");
        assertEquals(Path.of("other/real.csv"), Files.readSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        assertEquals(List.of("real.csv"), names(other), "no temporary file left beside the target");
        // A dangling link: the file it names is created, as a shell's > would.
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.csv"), other.resolve("made.csv"));
        text(dangling, "made");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("made", Files.readString(other.resolve("made.csv")));
    }

    @Test
    void aLinkLoopIsRefused() throws IOException {
        Path a = dir.resolve("a");
        Files.createSymbolicLink(a, dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), a);
        OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> text(a, "x"));
        assertEquals(OutputRefusedException.Reason.SYMBOLIC_LINK_LOOP, e.reason());
    }

    @Test
    void anExistingFileKeepsItsPermissions() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path f = dir.resolve("secret.json");
        Files.writeString(f, "old");
        for (String mode : List.of("rw-------", "rw-r-----", "rwxr-xr-x")) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
            text(f, mode);
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            assertEquals(mode, Files.readString(f));
        }
    }

    @Test
    void anExistingFileKeepsItsOwnerWhereTheProcessMayChownIt() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX owners only");
        Path f = dir.resolve("owned.csv");
        Files.writeString(f, "old");
        UserPrincipal nobody;
        try {
            nobody = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(f, nobody);
        } catch (IOException e) {
            assumeTrue(false, "cannot chown here (not root, or no user 'nobody'): " + e);
            return;
        }
        text(f, "new");
        assertEquals(nobody, Files.getOwner(f), "the owner is kept");
        assertEquals("new", Files.readString(f));
    }

    @Test
    void aReadOnlyFileIsRefusedUnlessAskedAndStaysReadOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path f = dir.resolve("frozen.csv");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> text(f, "new"));
        assertEquals(OutputRefusedException.Reason.READ_ONLY, e.reason());
        assertTrue(e.getMessage().contains("read-only (r--r--r--)"), e.getMessage());
        assertThrows(OutputRefusedException.class, () -> AtomicFile.checkWritable(f, false));
        assertEquals("old", Files.readString(f));
        AtomicFile.checkWritable(f, true);
        AtomicFile.write(f, true, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(f));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), "still read-only");
        assertEquals(List.of("frozen.csv"), names(dir));
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        Path d = Files.createDirectory(dir.resolve("out"));
        OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> text(d, "x"));
        assertEquals(OutputRefusedException.Reason.DIRECTORY, e.reason());
        assertEquals(d.toString(), e.getFile());
        assertTrue(Files.isDirectory(d));
    }

    private static final String UUID_A = "01234567-89ab-cdef-0123-456789abcdef";

    /** The pid of a process that has ended. */
    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "exit 0").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void temporaryFilesOfEndedWritersAreRemovedAndLiveOnesKept() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs sh and sleep");
        Path target = dir.resolve("p.csv");
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            String dead = ".p.csv." + deadPid() + "." + UUID_A + ".tmp";
            String alive = ".p.csv." + live.pid() + "." + UUID_A + ".tmp";
            String mine = ".p.csv." + ProcessHandle.current().pid() + "." + UUID_A + ".tmp";
            String legacyOld = ".p.csv." + UUID_A + ".tmp";
            String legacyNew = ".p.csv." + UUID_A.replace('0', '1') + ".tmp";
            String otherTarget = ".q.csv." + deadPid() + "." + UUID_A + ".tmp";
            String notOurs = ".p.csv.notes.tmp";
            for (String n : List.of(dead, alive, mine, legacyOld, legacyNew, otherTarget, notOurs)) Files.writeString(dir.resolve(n), "partial");
            Files.setLastModifiedTime(dir.resolve(legacyOld), FileTime.from(Instant.now().minus(AtomicFile.LEGACY_STALE_AFTER).minusSeconds(60)));
            text(target, "done");
            List<String> left = names(dir);
            assertFalse(left.contains(dead), "an ended writer's temporary file is removed: " + left);
            assertFalse(left.contains(legacyOld), "an old pid-less temporary file is removed: " + left);
            assertTrue(left.containsAll(List.of(alive, mine, legacyNew, otherTarget, notOurs)), "kept: " + left);
            assertEquals("done", Files.readString(target));
        } finally {
            live.destroyForcibly().waitFor();
        }
    }

    /** A writer killed with SIGKILL mid-write: its temporary file is removed by the next write to the same path. */
    @Test
    @Timeout(60)
    void aWriterKilledMidWriteLeavesATemporaryFileTheNextWriteRemoves() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX signals only");
        Path target = dir.resolve("killed.csv");
        Files.writeString(target, "old");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(), target.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", r.readLine(), "the child started writing");
            child.destroyForcibly(); // SIGKILL: no finally block runs
            child.waitFor();
        }
        List<String> before = names(dir);
        assertTrue(before.stream().anyMatch(n -> n.startsWith(".killed.csv." + child.pid() + ".")), "the killed writer left its file: " + before);
        assertEquals("old", Files.readString(target), "the target is untouched");
        text(target, "new");
        assertEquals(List.of("killed.csv"), names(dir));
        assertEquals("new", Files.readString(target));
    }

    /** Writes part of a file through {@link AtomicFile}, says so, and waits to be killed. */
    static final class SlowWriter {
        public static void main(String[] args) throws IOException {
            AtomicFile.write(Path.of(args[0]), out -> {
                out.write("partial".getBytes(StandardCharsets.UTF_8));
                out.flush();
                System.out.println("writing");
                System.out.flush();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Test
    void aVeryLongNameStillGetsATemporaryFileThatFits() throws IOException {
        String name = "n".repeat(250);
        Path f = dir.resolve(name);
        text(f, "a");
        text(f, "b");
        assertEquals("b", Files.readString(f));
        assertEquals(List.of(name), names(dir));
    }
}
