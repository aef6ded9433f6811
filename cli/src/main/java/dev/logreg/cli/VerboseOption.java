package dev.logreg.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}, shared by every subcommand; a picocli mixin. The flag is declared so that picocli accepts it and
 * lists it in the help; {@link Cli} reads it from the parsed arguments when an error is reported, because the
 * error handler runs outside the command object.
 */
final class VerboseOption {
    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;
}
