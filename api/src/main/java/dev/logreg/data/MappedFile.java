package dev.logreg.data;

/**
 * A file whose memory-mapped pages are the features of one or more {@link RowBlock}s ({@link RowBlock#mappedFile()}),
 * as the {@code .npy} reader maps them. A mapping is only as good as the file under it: where the file is truncated
 * while mapped, a read of a page past its new end is a fault (SIGBUS), which the JVM turns into an
 * {@link InternalError} in Java code and which crashes the process in native code; where the file is rewritten in
 * place, the rows change under a fit that assumes they do not. So whoever reads the rows checks the file first
 * ({@link #checkUnchanged()}: a backend before each pass, a native copy before it starts), and turns a fault that
 * still happens (the file truncated during the pass) into {@link #faulted}'s error. Implementations are thread-safe.
 */
public interface MappedFile {
    /** The file's name, as a message should give it. */
    String name();

    /**
     * Throws an {@link IllegalStateException} naming the file where it is now shorter than the mapping or was
     * modified since it was mapped; returns where the mapped pages still hold what was read. Costs a system call or
     * two (no read of the data): cheap enough before every pass.
     */
    void checkUnchanged();

    /**
     * The error to throw for {@code fault}, an {@link InternalError} raised by a read of the mapped pages (the JVM's
     * "a fault occurred in an unsafe memory access"): {@link #checkUnchanged()}'s, naming the file, where the file
     * changed; else an {@link IllegalStateException} that names the file and carries the fault.
     */
    default RuntimeException faulted(InternalError fault) {
        try {
            checkUnchanged();
        } catch (IllegalStateException e) {
            e.addSuppressed(fault);
            return e;
        }
        return new IllegalStateException(name() + ": reading the memory-mapped file failed (" + fault.getMessage()
                + "); was it truncated or changed while in use?", fault);
    }
}
