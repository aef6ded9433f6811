package dev.logreg.cli;

import picocli.CommandLine.Option;

/**
 * {@code --force}, shared by the commands that write files; a picocli mixin. Without it an existing read-only output
 * file is refused (exit 2) before any work is done: a file made read-only says "do not overwrite". With it the file is
 * replaced and stays read-only (its permissions are kept, as for every file logreg replaces).
 */
final class ForceOption {
    @Option(names = "--force", description = "Replace output files even where they are read-only (they stay read-only).")
    boolean force;
}
