package dev.logreg.cli;

import dev.logreg.io.ModelFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The top-level {@code logreg} command: a dispatcher over its subcommands. */
@Command(name = "logreg", mixinStandardHelpOptions = true, versionProvider = LogregCommand.Version.class,
        description = "Logistic regression, two classes or K, at memory-bandwidth speed (GPU, CPU or plain-Java reference backends).",
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

    /** The subcommands by name, in the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = orderedMap(
            "train", TrainCommand.class, "predict", PredictCommand.class, "evaluate", EvaluateCommand.class, "serve", ServeCommand.class,
            "backends", BackendsCommand.class, "export", ExportCommand.class, "help", CommandLine.HelpCommand.class);

    /**
     * The subcommands a run of {@code args} needs: only the one named where the first argument that is not an option
     * names one, else all of them (help lists them, a mistyped name is matched against them). Why not always all:
     * picocli builds the model of every subcommand it is given, by reflection over its annotations, which took about
     * 0.2 s of every command's start on the 2-core development VM (picocli's classes, compiled for Java 5, cannot go
     * into the class-data archive).
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        for (String a : args) {
            if (a.startsWith("-")) {
                if (a.equals("-h") || a.equals("--help")) break;  // the root's help, before any subcommand
                continue;
            }
            Class<?> named = SUBCOMMANDS.get(a);
            if (named != null && named != CommandLine.HelpCommand.class) return List.of(named);
            break;
        }
        return List.copyOf(SUBCOMMANDS.values());
    }

    private static Map<String, Class<?>> orderedMap(Object... pairs) {
        Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (Class<?>) pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
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
