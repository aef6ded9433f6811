package dev.logreg.cli;

import dev.logreg.io.ModelFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** The top-level {@code logreg} command: a dispatcher over its subcommands. */
@Command(name = "logreg", mixinStandardHelpOptions = true, versionProvider = LogregCommand.Version.class,
        description = "Logistic regression, two classes or K, at memory-bandwidth speed (GPU, CPU or plain-Java reference backends).",
        subcommands = {TrainCommand.class, PredictCommand.class, EvaluateCommand.class, ServeCommand.class, BackendsCommand.class, ExportCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  logreg train --data data/breast-cancer.csv --label benign --penalty l2 --lambda 1 --out model.json",
                "  logreg predict --model model.json --data new.csv --out predictions.csv",
                "  logreg evaluate --model model.json --data data/breast-cancer.csv --plot plots/",
                "  logreg serve --model model.json --port 8080",
                "  logreg backends",
                "  logreg export --model model.json --format onnx --out model.onnx",
                "", "Exit codes: 0 success, 2 bad usage or bad input, 1 other failures."})
final class LogregCommand implements Runnable {
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;

    @Spec
    CommandLine.Model.CommandSpec spec;

    LogregCommand(PrintWriter out, PrintWriter err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: train, predict, evaluate, serve, backends or export");
    }

    /** {@code logreg --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"logreg " + ModelFile.libraryVersion() + " (model format " + ModelFile.FORMAT_VERSION + ")",
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
