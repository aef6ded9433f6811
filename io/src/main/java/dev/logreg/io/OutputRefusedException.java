package dev.logreg.io;

import java.nio.file.FileSystemException;

/**
 * {@link AtomicFile} would not replace the target: it is a directory, not a regular file, or read-only. Bad usage
 * rather than a failure of the system (the command line exits 2), so a type of its own; {@link #reason()} says which.
 */
public final class OutputRefusedException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /** Why the target was refused. */
    public enum Reason {
        /** The target is a directory. */
        DIRECTORY,
        /** The target exists and is not a regular file (a device, a pipe, a socket). */
        NOT_A_REGULAR_FILE,
        /** The target is read-only, and replacing read-only files was not asked for. */
        READ_ONLY,
        /** The target is a chain of symbolic links too long to follow, or a loop. */
        SYMBOLIC_LINK_LOOP
    }

    private final Reason reason;

    /**
     * @param file   the path the caller gave
     * @param reason why it was refused
     * @param detail the message's text after the path
     */
    public OutputRefusedException(String file, Reason reason, String detail) {
        super(file, null, detail);
        this.reason = reason;
    }

    /** Why the target was refused. */
    public Reason reason() {
        return reason;
    }
}
