package dev.logreg.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes a file so that a failure loses nothing: into a temporary file beside the target, forced to disk, then
 * renamed over the target ({@code ATOMIC_MOVE}). Readers see the old file or the new one, never a part. Every file
 * logreg writes (the model file, predictions, charts) goes through here. Stateless.
 *
 * <p>What a replaced file keeps, as a plain {@code > file} would keep it:
 * <ul>
 *   <li>A symbolic link stays a link: the chain of links is followed and its final target is replaced (created where
 *       the link dangles), in the target's own directory so that the rename stays atomic.</li>
 *   <li>An existing file keeps its permissions, and where the process may (as root, or as the file's owner for its
 *       group) its owner and group; a new file gets the permissions of any new file under the umask. ACLs and
 *       extended attributes are not copied, and hard links to the old file keep the old content.</li>
 *   <li>An existing read-only file (no owner write permission, or not writable by this process) is refused with
 *       {@link OutputRefusedException} unless the caller asks to replace it; the replacement is then read-only too.
 *       The owner bit counts as well as {@code access(2)} because root may write every file, and a file made
 *       read-only by {@code chmod a-w} says "do not overwrite" to root too.</li>
 *   <li>A directory or a non-regular file (a device, a pipe) is refused: renaming over {@code /dev/null} is not
 *       writing to it.</li>
 * </ul>
 *
 * <p>Temporary files are named {@code .NAME.PID.UUID.tmp}: the writing process's id and a random part. A process
 * killed mid-write ({@code kill -9}, a power cut) leaves its temporary file behind; each write removes those of
 * earlier writes to the same path whose process is gone ({@link ProcessHandle#of}), and those of the pid-less name
 * older versions wrote ({@code .NAME.UUID.tmp}) once they are {@link #LEGACY_STALE_AFTER} old. A temporary file
 * whose process is alive is never touched, so two processes writing the same path at once do not break each other:
 * the last rename wins, as before. Process ids are those of this host's PID namespace: a writer on another host or
 * container sharing the directory could have its temporary file removed; its write then fails (the rename finds no
 * file) and its target is left as it was, so nothing is lost but that write. A reused pid only delays a removal.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** How old a temporary file without a pid in its name must be before a write to the same path removes it. */
    public static final Duration LEGACY_STALE_AFTER = Duration.ofMinutes(10);

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern TAGGED = Pattern.compile("([0-9]{1,19})\\." + UUID_PATTERN);
    private static final Pattern LEGACY = Pattern.compile(UUID_PATTERN);
    /** Most UTF-8 bytes of the target's name kept in a temporary file's name: pid, UUID and dots fit within 255. */
    private static final int NAME_BYTES = 180;
    private static final int MAX_LINKS = 40;

    /** The bytes of a file, written to the stream given. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A random UUID-shaped part of a temporary file's name (the pattern stale files are recognised by): 16 bytes of
     * {@code /dev/urandom} where there is one, else {@link UUID#randomUUID()}. Why not always the latter: its
     * {@code SecureRandom} loads and starts the JDK's security providers on first use, 20-30 ms of every short
     * command that writes a file. Unpredictable either way; the name's uniqueness is also the pid's and
     * {@code CREATE_NEW}'s.
     */
    static String randomPart() {
        byte[] b = new byte[16];
        try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
            if (in.readNBytes(b, 0, b.length) == b.length) {
                ByteBuffer bytes = ByteBuffer.wrap(b);
                return new UUID(bytes.getLong(), bytes.getLong()).toString();
            }
        } catch (IOException | RuntimeException e) {
            // No /dev/urandom (Windows) or not readable here: the JDK's generator below.
        }
        return UUID.randomUUID().toString();
    }

    /**
     * Writes what {@code body} produces to {@code target}, refusing a read-only target; see
     * {@link #write(Path, boolean, Body)}.
     */
    public static void write(Path target, Body body) throws IOException {
        write(target, false, body);
    }

    /**
     * Writes what {@code body} produces to {@code target} (through symbolic links, keeping an existing file's
     * permissions and, where allowed, owner; see the class comment); on any failure the temporary file is deleted and
     * the target is as it was.
     *
     * @param replaceReadOnly whether an existing read-only target is replaced (it stays read-only) rather than refused
     * @throws java.nio.file.NoSuchFileException where the target's directory does not exist
     * @throws OutputRefusedException            where the target is a directory, not a regular file, a symbolic
     *                                           link loop, or read-only without {@code replaceReadOnly}
     */
    public static void write(Path target, boolean replaceReadOnly, Body body) throws IOException {
        Path file = followLinks(target);
        PosixFileAttributes old = check(target, file, replaceReadOnly);
        Path dir = file.getParent();
        String name = file.getFileName().toString();
        removeStaleTemporaries(dir, name);
        Path tmp = dir.resolve(tempPrefix(name) + ProcessHandle.current().pid() + "." + randomPart() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                body.writeTo(out);
                out.flush();
                ch.force(true); // the data are on disk before the rename makes them visible
            }
            if (old != null) keepAttributes(tmp, old);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this only happens on exotic file systems; a plain replace is the best left.
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Whether {@link #write(Path, boolean, Body)} would accept {@code target}, checked without writing: a command
     * calls it before hours of work whose result would then be refused.
     *
     * @throws java.nio.file.NoSuchFileException where the target's directory does not exist
     * @throws OutputRefusedException            where the target is a directory, not a regular file, a symbolic
     *                                           link loop, or read-only without {@code replaceReadOnly}
     */
    public static void checkWritable(Path target, boolean replaceReadOnly) throws IOException {
        check(target, followLinks(target), replaceReadOnly);
    }

    /** The checks of a write to {@code file} (the end of {@code target}'s links); the old file's attributes, if any. */
    private static PosixFileAttributes check(Path target, Path file, boolean replaceReadOnly) throws IOException {
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(String.valueOf(dir), null, "directory does not exist");
        PosixFileAttributes old = null;
        boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        if (exists) {
            if (Files.isDirectory(file)) {
                throw new OutputRefusedException(target.toString(), OutputRefusedException.Reason.DIRECTORY, "is a directory, expected a file");
            }
            if (!Files.isRegularFile(file)) {
                throw new OutputRefusedException(target.toString(), OutputRefusedException.Reason.NOT_A_REGULAR_FILE,
                        "is not a regular file (a device, pipe or socket); logreg writes files by renaming a new file over the old one");
            }
            old = posix(file);
            boolean ownerCannotWrite = old != null && !old.permissions().contains(PosixFilePermission.OWNER_WRITE);
            if (!replaceReadOnly && (ownerCannotWrite || !Files.isWritable(file))) {
                String mode = old == null ? "" : " (" + PosixFilePermissions.toString(old.permissions()) + ")";
                throw new OutputRefusedException(target.toString(), OutputRefusedException.Reason.READ_ONLY, "is read-only" + mode + ", not replaced");
            }
        }
        return old;
    }

    /** The file a write to {@code target} replaces: the end of its chain of symbolic links (absolute). */
    static Path followLinks(Path target) throws IOException {
        Path p = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new OutputRefusedException(target.toString(), OutputRefusedException.Reason.SYMBOLIC_LINK_LOOP,
                        "has more than " + MAX_LINKS + " levels of symbolic links (a loop?)");
            }
            // A relative link is relative to the directory holding the link.
            p = p.getParent().resolve(Files.readSymbolicLink(p));
        }
        return p;
    }

    private static PosixFileAttributes posix(Path file) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        return v == null ? null : v.readAttributes();
    }

    /**
     * Gives {@code tmp} the permissions of the file it replaces, and its owner and group where the process may
     * (root may chown; an owner may chgrp to a group of its own): where it may not, the new file is the writer's, as a
     * file written anew would be.
     */
    private static void keepAttributes(Path tmp, PosixFileAttributes old) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (v == null) return;
        PosixFileAttributes now = v.readAttributes();
        if (!now.owner().equals(old.owner())) {
            try {
                v.setOwner(old.owner());
            } catch (IOException e) {
                // Not root: the file becomes the writer's.
            }
        }
        if (!now.group().equals(old.group())) {
            try {
                v.setGroup(old.group());
            } catch (IOException e) {
                // Not a member of the old group (and not root): the writer's group.
            }
        }
        v.setPermissions(old.permissions());
    }

    /** {@code "." + name + "."}, the name cut to {@link #NAME_BYTES} UTF-8 bytes so that the whole name fits. */
    private static String tempPrefix(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_BYTES) {
            int end = 0;
            int bytes = 0;
            while (end < name.length()) {
                int cp = name.codePointAt(end);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > NAME_BYTES) break;
                bytes += n;
                end += Character.charCount(cp);
            }
            name = name.substring(0, end);
        }
        return "." + name + ".";
    }

    /**
     * Removes the temporary files that interrupted writes to {@code dir/name} left (see the class comment). Best
     * effort: a file that cannot be listed or removed is left, and the write goes on.
     */
    static void removeStaleTemporaries(Path dir, String name) {
        String prefix = tempPrefix(name);
        Instant legacyCutoff = Instant.now().minus(LEGACY_STALE_AFTER);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String middle = f.substring(prefix.length(), f.length() - ".tmp".length());
                var tagged = TAGGED.matcher(middle);
                boolean stale;
                if (tagged.matches()) {
                    long pid;
                    try {
                        pid = Long.parseLong(tagged.group(1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    stale = ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else if (LEGACY.matcher(middle).matches()) {
                    FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                    stale = t.toInstant().isBefore(legacyCutoff);
                } else {
                    continue; // not one of ours
                }
                if (stale && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // Another user's file in a shared directory, or removed meanwhile: leave it.
                    }
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // The directory cannot be listed: nothing to clean that this process could clean.
        }
    }
}
