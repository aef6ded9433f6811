package dev.logreg.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flags of every subcommand are a contract: their names, order, parameter labels, defaults, whether they are
 * required, and their help text. The expected lines below were captured from the commands before their shared options
 * moved into picocli mixins ({@link ModelOption}, {@link VerboseOption}, {@link DataOptions}); the deliberate
 * additions since are {@code evaluate --weight} (weighted metrics), {@code train --init-model} (warm starts) and train's
 * cross-validation flags ({@code --cv-folds} and the five that describe it; {@code --seed} now also seeds the folds), and
 * {@code train --stats} with {@code --confidence} (coefficient standard errors), {@code train --plot}, and serve's
 * timeouts ({@code --header-timeout-ms}, {@code --body-timeout-ms}, {@code --idle-timeout-ms}) and
 * {@code --expose-training-paths} (issue 21), and the sparse formats' {@code --features} with {@code .npz} in
 * {@code --data}, {@code --format} and {@code --labels} (issue 17), the {@code export} command (issue 20), and {@code train --threads}, which now also bounds the threads that parse a CSV or LIBSVM file, and {@code train --timings} (issues 18 and 19).
 */
class OptionsContractTest {
    /** Per subcommand, in help order: {@code names|paramLabel|defaultValue|required|description}. */
    private static final Map<String, List<String>> EXPECTED = ordered(
            Map.entry("train", List.of(
                    "--data|FILE|null|true|Data file: CSV with a header, LIBSVM text, a 2-D .npy matrix, or a SciPy sparse .npz (CSR).",
                    "--format|csv|libsvm|npy|npz|null|false|File format (default: from the file name: .npy, .npz, .libsvm/.svm/.txt, else csv).",
                    "--delimiter|CHAR|,|false|CSV field separator (default: ,; 'tab' or '\\t' for tabs).",
                    "--labels|FILE.npy|null|false|NPY and NPZ: labels in a separate 1-D .npy file (default for .npy: the matrix's last column; an .npz has none of its own).",
                    "--features|N|null|false|LIBSVM and NPZ: the number of features; a LIBSVM index above it is refused (default: the largest index read; the model's when scoring).",
                    "--label|NAME|label|false|CSV label column (default: label); labels 0/1 or -1/+1.",
                    "--weight|NAME|null|false|CSV column of non-negative sample weights.",
                    "--penalty|none|l2|l1|elasticnet|none|false|Regularization of the coefficients, never the intercept (default: none).",
                    "--lambda|X|1.0|false|Penalty strength λ >= 0: (λ/2m)Σθ² for l2, (λ/m)Σ|θ| for l1 (default: 1.0).",
                    "--l1-ratio|A|0.5|false|Elastic net mixing α in [0, 1]: 1 is l1, 0 is l2 (default: 0.5).",
                    "--loss|log|mse|log|false|Loss (default: log; mse is non-convex, for comparison only).",
                    "--optimizer|NAME|auto|false|auto|lbfgs|owlqn|newton|tron|gd|sgd|adam (default: auto: L-BFGS, or OWL-QN with an L1 part; tron: truncated Newton, L2 or none).",
                    "--backend|auto|cpu|gpu|reference|null|false|Compute backend, or the name of any backend on the class path (default: -Dlogreg.backend, else $LOGREG_BACKEND, else auto: GPU, then CPU, then reference).",
                    "--threads|N|0|false|Most threads of the CPU backend and of parsing a CSV or LIBSVM file; 0 for all cores (default).",
                    "--no-intercept|<noIntercept>|null|false|Fit no intercept (b = 0).",
                    "--tol|X|null|false|Gradient tolerance: stop when ‖g‖∞ <= X·max(|f|, 1) (default: 1e-8).",
                    "--max-iter|N|null|false|Iteration budget (epochs for sgd and adam; default: 1000).",
                    "--time-budget|SECONDS|null|false|Wall-clock budget of the optimization (default: none).",
                    "--seed|N|42|false|Seed of every random choice: mini-batches, the validation split, the cross-validation folds (default: 42).",
                    "--standardize|<standardize>|null|false|Penalize in standardized space, report coefficients in the original space (glmnet's behaviour).",
                    "--multiclass|multinomial|ovr|null|false|How more than two classes train: 'multinomial' (one softmax model, the default) or 'ovr' (one binary model per class). Two classes stay the binary model unless 'multinomial' is given.",
                    "--class-weight|balanced|null|false|'balanced': weight each row by m / (K·count(its class)), times any --weight.",
                    "--validation-fraction|F|0|false|Hold out this fraction of rows (seeded by --seed), train on the rest, print metrics on both.",
                    "--init-model|MODEL.json|null|false|Start from this model's coefficients (a warm start: same optimum, usually fewer iterations); same features and labels as the data.",
                    "--cv-folds|K|null|false|Choose λ by stratified K-fold cross-validation (seeded by --seed) over --lambdas, then train on all rows with it.",
                    "--lambdas|X,Y,...|null|false|With --cv-folds: the λ to try (default: --lambda-count values from the data's λ_max down, as glmnet).",
                    "--lambda-count|N|null|false|With --cv-folds and no --lambdas: how many λ (default: 20).",
                    "--lambda-min-ratio|R|null|false|With --cv-folds and no --lambdas: smallest λ over λ_max, in (0, 1) (default: 1e-4, or 1e-2 where features >= rows).",
                    "--cv-metric|NAME|null|false|With --cv-folds: the held-out score: logloss (default), accuracy or macro-f1; for two classes also auc, f1, precision, recall, average_precision, brier.",
                    "--cv-rule|best|1se|null|false|With --cv-folds: keep the λ of the best mean score (default), or the largest λ within one standard error of it (glmnet's lambda.1se).",
                    "--stats|<stats>|null|false|Print standard errors, z, p-values and confidence intervals of the coefficients (unpenalized log-loss fits; R's summary.glm).",
                    "--confidence|LEVEL|0.95|false|With --stats: level of the intervals (default: 0.95).",
                    "--plot|DIR|null|false|Write PNG charts here: objective per iteration, and with --cv-folds the cross-validation curve (mean ± 1 standard error per λ).",
                    "--out|MODEL.json|null|false|Write the model file here (atomically).",
                    "--force|<force>|null|false|Replace output files even where they are read-only (they stay read-only).",
                    "--timings|<timings>|null|false|Print the wall time of each phase on standard error (read, backend, bind, statistics, optimizer, write, metrics; K classes: read, backend, fit, write, metrics; in --json also as \"timings\").",
                    "--json|<json>|null|false|Print one JSON summary on standard output.",
                    "--quiet|<quiet>|null|false|No progress output on standard error.",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")),
            Map.entry("predict", List.of(
                    "--model|MODEL.json|null|true|Model file written by logreg train.",
                    "--data|FILE|null|true|Data file: CSV with a header, LIBSVM text, a 2-D .npy matrix, or a SciPy sparse .npz (CSR).",
                    "--format|csv|libsvm|npy|npz|null|false|File format (default: from the file name: .npy, .npz, .libsvm/.svm/.txt, else csv).",
                    "--delimiter|CHAR|,|false|CSV field separator (default: ,; 'tab' or '\\t' for tabs).",
                    "--labels|FILE.npy|null|false|NPY and NPZ: labels in a separate 1-D .npy file (default for .npy: the matrix's last column; an .npz has none of its own).",
                    "--features|N|null|false|LIBSVM and NPZ: the number of features; a LIBSVM index above it is refused (default: the largest index read; the model's when scoring).",
                    "--label|NAME|null|false|CSV label column, ignored if present (default: the one the model was trained with).",
                    "--out|FILE|null|false|Write the predictions here (default: standard output).",
                    "--force|<force>|null|false|Replace output files even where they are read-only (they stay read-only).",
                    "--threshold|T|0.5|false|Binary models: predict label 1 where the probability is >= T (default: 0.5). K-class models predict the most probable class.",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")),
            Map.entry("evaluate", List.of(
                    "--model|MODEL.json|null|true|Model file written by logreg train.",
                    "--data|FILE|null|true|Data file: CSV with a header, LIBSVM text, a 2-D .npy matrix, or a SciPy sparse .npz (CSR).",
                    "--format|csv|libsvm|npy|npz|null|false|File format (default: from the file name: .npy, .npz, .libsvm/.svm/.txt, else csv).",
                    "--delimiter|CHAR|,|false|CSV field separator (default: ,; 'tab' or '\\t' for tabs).",
                    "--labels|FILE.npy|null|false|NPY and NPZ: labels in a separate 1-D .npy file (default for .npy: the matrix's last column; an .npz has none of its own).",
                    "--features|N|null|false|LIBSVM and NPZ: the number of features; a LIBSVM index above it is refused (default: the largest index read; the model's when scoring).",
                    "--label|NAME|null|false|CSV label column (default: the one the model was trained with).",
                    "--weight|NAME|null|false|CSV column of non-negative sample weights; every metric is then weighted (scikit-learn's sample_weight).",
                    "--threshold|T|null|false|Binary models: probability threshold of the threshold metrics (default: 0.5). K-class models take none: each row is predicted as its most probable class.",
                    "--json|<json>|null|false|Print the metrics as one JSON document.",
                    "--plot|DIR|null|false|Write PNG charts here: objective per iteration, ROC, precision-recall, calibration; K-class models: objective per iteration, confusion-matrix.png (a heat map) and roc.png (each class against the rest, up to 10 classes).",
                    "--force|<force>|null|false|Replace output files even where they are read-only (they stay read-only).",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")),
            Map.entry("serve", List.of(
                    "--model|MODEL.json|null|true|Model file written by logreg train.",
                    "--port|PORT|8080|false|TCP port; 0 picks a free one (default: 8080).",
                    "--host|ADDRESS|127.0.0.1|false|Address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every interface).",
                    "--threads|N|null|false|Request threads (default: one per core).",
                    "--max-request-bytes|BYTES|16777216|false|Largest request body; larger ones get 413 (default: 16777216, 16 MiB).",
                    "--max-rows|ROWS|100000|false|Most rows in one request; more get 413 (default: 100000).",
                    "--header-timeout-ms|MS|10000|false|Longest time from a request's first byte to the end of its headers; then the connection is closed (default: 10000).",
                    "--body-timeout-ms|MS|60000|false|Longest time to receive a request body after its headers; then 408 and the connection closed (default: 60000).",
                    "--idle-timeout-ms|MS|30000|false|Longest silence on a connection, between requests or within one; then it is closed (default: 30000).",
                    "--expose-training-paths|<exposeTrainingPaths>|null|false|Show file paths of the model's training record (the training data's path) in GET /model; hidden by default.",
                    "--drain-seconds|S|2|false|On shutdown, how long requests in flight may take to finish (default: 2).",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")),
            Map.entry("backends", List.of(
                    "--json|<json>|null|false|Print one JSON document.",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")),
            Map.entry("export", List.of(
                    "--model|MODEL.json|null|true|Model file written by logreg train.",
                    "--format|onnx|onnx|false|Export format (default: onnx; the only one so far).",
                    "--out|FILE|null|true|Write the exported model here (atomically).",
                    "--precision|double|float|double|false|Arithmetic of the graph: double keeps the coefficients and probabilities in float64, as logreg scores (default); float rounds them to float32, for runtimes without float64 (probabilities within about 1e-5).",
                    "--double-input|<doubleInput>|null|false|Input X as float64 rather than float32.",
                    "--force|<force>|null|false|Replace output files even where they are read-only (they stay read-only).",
                    "--verbose|<verbose>|null|false|Stack traces with errors.",
                    "-h,--help|<helpRequested>|null|false|Show this help message and exit.",
                    "-V,--version|<versionRequested>|null|false|Print version information and exit.")));

    /**
     * Per subcommand, the option names as {@code --help} listed them before the mixins (train, predict, evaluate and
     * serve keep declaration order; backends sorts its options).
     */
    private static final Map<String, List<String>> EXPECTED_HELP = ordered(
            Map.entry("train", List.of(
                    "--data", "--format", "--delimiter", "--labels", "--features", "--label", "--weight", "--penalty", "--lambda",
                    "--l1-ratio", "--loss", "--optimizer", "--backend", "--threads", "--no-intercept", "--tol",
                    "--max-iter", "--time-budget", "--seed", "--standardize", "--multiclass", "--class-weight", "--validation-fraction",
                    "--init-model", "--cv-folds", "--lambdas", "--lambda-count", "--lambda-min-ratio", "--cv-metric", "--cv-rule", "--stats", "--confidence", "--plot", "--out", "--force", "--timings", "--json", "--quiet", "--verbose", "-h", "--help", "-V", "--version")),
            Map.entry("predict", List.of(
                    "--model", "--data", "--format", "--delimiter", "--labels", "--features", "--label", "--out", "--force", "--threshold",
                    "--verbose", "-h", "--help", "-V", "--version")),
            Map.entry("evaluate", List.of(
                    "--model", "--data", "--format", "--delimiter", "--labels", "--features", "--label", "--weight", "--threshold",
                    "--json", "--plot", "--force", "--verbose", "-h", "--help", "-V", "--version")),
            Map.entry("serve", List.of(
                    "--model", "--port", "--host", "--threads", "--max-request-bytes", "--max-rows", "--header-timeout-ms",
                    "--body-timeout-ms", "--idle-timeout-ms", "--expose-training-paths", "--drain-seconds",
                    "--verbose", "-h", "--help", "-V", "--version")),
            Map.entry("backends", List.of(
                    "-h", "--help", "--json", "-V", "--version", "--verbose")),
            Map.entry("export", List.of(
                    "--model", "--format", "--out", "--precision", "--double-input", "--force", "--verbose", "-h", "--help", "-V", "--version")));

    @SafeVarargs
    private static Map<String, List<String>> ordered(Map.Entry<String, List<String>>... entries) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : entries) m.put(e.getKey(), e.getValue());
        return m;
    }

    /**
     * A run builds only the subcommand it names (picocli's model of each costs start-up time); help, a missing or
     * mistyped name get them all, so that help lists every command and the mistake is reported as before.
     */
    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        assertEquals(List.of(TrainCommand.class), LogregCommand.subcommandsFor(new String[] {"train", "--data", "x.csv"}));
        assertEquals(List.of(ExportCommand.class), LogregCommand.subcommandsFor(new String[] {"export", "--help"}));
        List<Class<?>> all = LogregCommand.subcommandsFor(new String[0]);
        assertEquals(7, all.size(), "train, predict, evaluate, serve, backends, export, help: " + all);
        for (String[] args : new String[][] {{"--help", "train"}, {"help", "train"}, {"trian"}, {"-V"}}) {
            assertEquals(all, LogregCommand.subcommandsFor(args), String.join(" ", args));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Cli.OK, Cli.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(err), false));
        for (String name : new String[] {"train", "predict", "evaluate", "serve", "backends", "export", "help"}) {
            assertTrue(out.toString().contains("\n  " + name + " "), "--help lists " + name + ":\n" + out);
        }
        assertEquals(Cli.BAD_INPUT, Cli.run(new String[] {"trian"}, new PrintWriter(out), new PrintWriter(err), false));
        assertTrue(err.toString().contains("'trian'"), err.toString());
    }

    private static CommandLine root() {
        CommandLine root = new CommandLine(new LogregCommand(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false));
        for (Class<?> sub : LogregCommand.subcommandsFor(new String[0])) root.addSubcommand(sub);  // all of them, as help has
        return root;
    }

    private static String describe(OptionSpec o) {
        return String.join(",", o.names()) + "|" + o.paramLabel() + "|" + o.defaultValue() + "|" + o.required() + "|"
                + String.join("\\n", o.description());
    }

    @Test
    void everyOptionKeepsItsNameLabelDefaultAndHelpText() {
        CommandLine root = root();
        assertEquals(List.copyOf(EXPECTED.keySet()), new ArrayList<>(root.getSubcommands().keySet()).subList(0, EXPECTED.size()),
                "subcommands");
        for (Map.Entry<String, List<String>> e : EXPECTED.entrySet()) {
            List<String> actual = new ArrayList<>();
            for (OptionSpec o : root.getSubcommands().get(e.getKey()).getCommandSpec().options()) actual.add(describe(o));
            List<String> expected = e.getValue();
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                assertEquals(expected.get(i), actual.get(i), e.getKey() + ": option " + i);
            }
            assertEquals(expected.size(), actual.size(), e.getKey() + ": option count; got " + actual);
        }
    }

    /** Option lines of a picocli usage message start 2 to 6 spaces in; description continuations are indented further. */
    private static final Pattern OPTION_LINE = Pattern.compile("^ {2,6}(?:(-\\w), )?(--[\\w-]+)");

    @Test
    void helpOfEveryCommandListsTheSameOptionsInTheSameOrder() {
        for (Map.Entry<String, List<String>> e : EXPECTED_HELP.entrySet()) {
            CliRun r = CliRun.of(e.getKey(), "--help");
            assertEquals(0, r.code(), r::toString);
            List<String> listed = new ArrayList<>();
            for (String line : r.out().split("\\R")) {
                Matcher m = OPTION_LINE.matcher(line);
                if (!m.find()) continue;
                if (m.group(1) != null) listed.add(m.group(1));
                listed.add(m.group(2));
            }
            assertEquals(e.getValue(), listed, e.getKey() + " --help:\n" + r.out());
        }
    }
}
