package dev.logreg.cli;

import dev.logreg.io.Excerpt;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Scorer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code train}'s cross-validation flags ({@code --cv-folds} and the five that describe it), a picocli mixin, with
 * what the command prints of a {@link CrossValidationResult}: the per-fold progress lines, the λ path, the JSON
 * section and the warnings.
 */
final class CrossValidationFlags {
    @Option(names = "--cv-folds", paramLabel = "K",
            description = "Choose λ by stratified K-fold cross-validation (seeded by --seed) over --lambdas, then train on all rows with it.")
    Integer cvFolds;

    @Option(names = "--lambdas", paramLabel = "X,Y,...", split = ",",
            description = "With --cv-folds: the λ to try (default: --lambda-count values from the data's λ_max down, as glmnet).")
    double[] lambdas;

    @Option(names = "--lambda-count", paramLabel = "N", description = "With --cv-folds and no --lambdas: how many λ (default: 20).")
    Integer lambdaCount;

    @Option(names = "--lambda-min-ratio", paramLabel = "R",
            description = "With --cv-folds and no --lambdas: smallest λ over λ_max, in (0, 1) (default: 1e-4, or 1e-2 where features >= rows).")
    Double lambdaMinRatio;

    @Option(names = "--cv-metric", paramLabel = "NAME",
            description = "With --cv-folds: the held-out score: logloss (default), accuracy or macro-f1; for two classes also auc, f1, precision, recall,"
                    + " average_precision, brier.")
    String cvMetric;

    @Option(names = "--cv-rule", paramLabel = "best|1se",
            description = "With --cv-folds: keep the λ of the best mean score (default), or the largest λ within one standard error of it (glmnet's lambda.1se).")
    String cvRule;

    /**
     * The cross-validation these flags ask for, or {@code null} without {@code --cv-folds}; a flag that needs
     * {@code --cv-folds}, or one that contradicts it, is an IllegalArgumentException naming both.
     *
     * @param options   the training options of the other flags (their penalty must be one with a λ)
     * @param warmStart whether {@code --init-model} was given
     * @param matched   whether a flag was given on the command line (picocli's parse result)
     */
    CrossValidationOptions options(TrainingOptions options, boolean warmStart, Predicate<String> matched) {
        if (cvFolds == null) {
            for (String flag : List.of("--lambdas", "--lambda-count", "--lambda-min-ratio", "--cv-metric", "--cv-rule")) {
                if (matched.test(flag)) throw new IllegalArgumentException(flag + " needs --cv-folds (it describes the cross-validation that chooses λ)");
            }
            return null;
        }
        if (cvFolds < 2) throw new IllegalArgumentException("--cv-folds is " + cvFolds + ", expected at least 2");
        if (matched.test("--lambda")) {
            throw new IllegalArgumentException("--lambda and --cv-folds exclude each other: cross-validation chooses λ (give the candidates with --lambdas)");
        }
        if (options.penalty().kind() == Penalty.Kind.NONE) {
            throw new IllegalArgumentException("--cv-folds chooses the penalty strength λ: give --penalty l2, l1 or elasticnet");
        }
        if (warmStart) throw new IllegalArgumentException("--init-model and --cv-folds exclude each other: each fold starts its own path");
        if (lambdas != null && (lambdaCount != null || lambdaMinRatio != null)) {
            throw new IllegalArgumentException("--lambdas gives the grid; --lambda-count and --lambda-min-ratio describe one from the data: give one or the other");
        }
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(cvFolds);
        try {
            if (lambdas != null) cv = cv.withLambdas(lambdas);
            if (lambdaCount != null) cv = cv.withLambdaCount(lambdaCount);
            if (lambdaMinRatio != null) cv = cv.withLambdaMinRatio(lambdaMinRatio);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((lambdas != null ? "--lambdas: " : "--lambda-count / --lambda-min-ratio: ") + e.getMessage(), e);
        }
        if (cvMetric != null) {
            if (isMacroF1(cvMetric)) {
                cv = cv.withScorer(Scorer.macroF1()); // the api's: it scores binary and K-class models alike
            } else {
                try {
                    cv = cv.withScorer(BinaryMetrics.scorer(cvMetric));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--cv-metric: " + e.getMessage() + ", macro-f1", e);
                }
            }
        }
        if (cvRule != null) {
            switch (cvRule.trim().toLowerCase(Locale.ROOT)) {
                case "best": cv = cv.withRule(CrossValidationOptions.Rule.BEST); break;
                case "1se": cv = cv.withRule(CrossValidationOptions.Rule.ONE_STANDARD_ERROR); break;
                default: throw new IllegalArgumentException("--cv-rule is " + Excerpt.quoted(cvRule) + ", expected best or 1se");
            }
        }
        return cv;
    }

    /** Whether {@code name} is the macro F1 (spelled macro-f1, as the api names it, or macro_f1). */
    private static boolean isMacroF1(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.equals("macro-f1") || n.equals("macro_f1");
    }

    /**
     * {@code cv} for a K-class fit (multinomial or one-vs-rest; {@code classes} ≥ 2): the scorer as the api scores
     * K-class models. logloss and macro-f1 already are; accuracy becomes {@link Scorer#accuracy()} (the most probable
     * class, where the binary scorer thresholds one probability); a metric of one probability per row (auc, f1,
     * precision, recall, average_precision, brier) is refused by name.
     */
    static CrossValidationOptions forClasses(CrossValidationOptions cv, int classes) {
        if (cv == null || cv.scorer().supportsClasses()) return cv;
        String name = cv.scorer().name();
        if (name.equals("accuracy")) return cv.withScorer(Scorer.accuracy());
        throw new IllegalArgumentException("--cv-metric " + name + " scores binary models (one probability per row); a " + classes
                + "-class model is cross-validated by " + String.join(", ", CLASS_METRICS));
    }

    /** The --cv-metric names of K-class models, the default first. */
    static final List<String> CLASS_METRICS = List.of("logloss", "accuracy", "macro-f1");

    static String ruleName(CrossValidationOptions.Rule rule) {
        return rule == CrossValidationOptions.Rule.BEST ? "best" : "1se";
    }

    /** One stderr line per fold, printed when the next fold starts and, for the last, by {@link #finish()}. */
    static final class FoldProgress implements CrossValidation.Listener {
        private final PrintWriter stderr;
        private final int folds;
        private int fold = -1;
        private int fits;
        private long iterations;
        private long started = System.nanoTime();

        FoldProgress(PrintWriter stderr, int folds) {
            this.stderr = stderr;
            this.folds = folds;
        }

        @Override
        public void fitted(int f, double lambda, TrainingResult fit, double score) {
            if (f != fold) finish();
            fold = f;
            fits++;
            iterations += fit.optimization().iterations();
        }

        /** Prints the fold in progress, if any. */
        void finish() {
            if (fits == 0) return;
            stderr.printf(Locale.ROOT, "cv: fold %d/%d, %d fits, %d iterations (%.2f s)%n", fold + 1, folds, fits, iterations,
                    (System.nanoTime() - started) / 1e9);
            stderr.flush();
            fits = 0;
            iterations = 0;
            started = System.nanoTime();
        }
    }

    /** The λ path, one line per λ: mean held-out score, its standard error, nonzero coefficients, marks. */
    static void printPath(PrintWriter stderr, CrossValidationResult r) {
        stderr.printf(Locale.ROOT, "cv: %d folds, %s (%s is better); * best, + within one standard error (1se), < chosen%n", r.folds(), r.scorer(),
                r.higherIsBetter() ? "higher" : "lower");
        // "mean nonzero": the folds' models' mean count, not the refit's (the refit on all rows usually keeps more).
        stderr.printf(Locale.ROOT, "cv: %12s  %12s  %10s  %12s  %s%n", "lambda", "mean", "std err", "mean nonzero", "");
        for (int g = 0; g < r.path().size(); g++) {
            CrossValidationResult.LambdaScore p = r.path().get(g);
            String marks = (g == r.bestIndex() ? "*" : "") + (g == r.oneStandardErrorIndex() ? "+" : "") + (g == r.chosenIndex() ? "<" : "")
                    + (p.unconverged() > 0 ? " (" + p.unconverged() + " fold fits stopped before converging)" : "");
            stderr.printf(Locale.ROOT, "cv: %12.6g  %12.6g  %10.3g  %12.1f  %s%n", p.lambda(), p.mean(), p.standardError(), p.meanNonZeros(), marks);
        }
        stderr.flush();
    }

    /**
     * The line that reports the choice: λ, rule, score and, where there is a refit, its nonzero coefficients (the
     * path's "mean nonzero" is the folds' mean, which the refit on all training rows need not match).
     */
    static String chosenLine(CrossValidationResult r) {
        String refit = r.refit() == null ? ""
                : String.format(Locale.ROOT, "; the refit has %d nonzero coefficients of %d", nonZeros(r.refit().classifier()),
                        coefficientCount(r.refit().classifier()));
        return String.format(Locale.ROOT, "cross-validation: λ = %.6g chosen (%s) of %d by %d-fold %s %.6g ± %.2g%s", r.chosenLambda(),
                ruleName(r.rule()), r.path().size(), r.folds(), r.scorer(), r.chosen().mean(), r.chosen().standardError(), refit);
    }

    /** How many of the model's coefficients are not exactly 0 (intercepts not among them; K-class models: all K rows). */
    static int nonZeros(LinearClassifier model) {
        if (model instanceof LogisticModel b) return nonZeros(b.coefficients());
        if (model instanceof SoftmaxModel s) {
            int n = 0;
            for (double[] row : s.coefficients()) n += nonZeros(row);
            return n;
        }
        OneVsRestModel o = (OneVsRestModel) model; // the interface is sealed: the third kind
        int n = 0;
        for (int c = 0; c < o.classes(); c++) n += nonZeros(o.model(c).coefficients());
        return n;
    }

    /** How many coefficients the model has: n for a binary model, K·n for a K-class one. */
    static long coefficientCount(LinearClassifier model) {
        return (long) model.features() * (model instanceof LogisticModel ? 1 : model.classes());
    }

    /** How many of {@code coefficients} are not exactly 0 (the intercept is not among them). */
    static int nonZeros(double[] coefficients) {
        int n = 0;
        for (double c : coefficients) if (c != 0) n++;
        return n;
    }

    /** The JSON summary's "crossValidation" section. */
    static Map<String, Object> toMap(CrossValidationResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("folds", r.folds());
        m.put("metric", r.scorer());
        m.put("higherIsBetter", r.higherIsBetter());
        m.put("rule", ruleName(r.rule()));
        m.put("chosenLambda", r.chosenLambda());
        m.put("bestLambda", r.path().get(r.bestIndex()).lambda());
        m.put("oneStandardErrorLambda", r.path().get(r.oneStandardErrorIndex()).lambda());
        m.put("unconvergedFits", r.unconvergedFits());
        if (r.refit() != null) m.put("refitNonZeros", nonZeros(r.refit().classifier()));
        List<Map<String, Object>> path = new ArrayList<>();
        for (CrossValidationResult.LambdaScore p : r.path()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lambda", p.lambda());
            e.put("mean", Json.finite(p.mean()));
            e.put("standardError", Json.finite(p.standardError()));
            List<Object> folds = new ArrayList<>();
            for (double v : p.foldScores()) folds.add(Json.finite(v));
            e.put("folds", folds);
            e.put("meanNonZeros", p.meanNonZeros());
            e.put("unconverged", p.unconverged());
            e.put("iterations", p.iterations());
            path.add(e);
        }
        m.put("path", path);
        return m;
    }

    /**
     * The warning for a cross-validation whose best λ lies at an end of the grid (the best may lie beyond it) or
     * whose fold fits did not all converge (their scores are of unfinished models), or null.
     */
    static String warning(CrossValidationResult r) {
        List<String> w = new ArrayList<>();
        int last = r.path().size() - 1;
        if (last > 0 && r.bestIndex() == last) {
            w.add("the best λ is the smallest tried (" + r.path().get(last).lambda() + "): a smaller one may score better;"
                    + " extend the grid (--lambda-min-ratio, --lambdas)");
        }
        if (last > 0 && r.bestIndex() == 0) {
            w.add("the best λ is the largest tried (" + r.path().get(0).lambda() + "): a larger one may score better; extend the grid with --lambdas");
        }
        if (r.unconvergedFits() > 0) {
            w.add(r.unconvergedFits() + " of the folds' fits stopped before converging, so their scores are of unfinished models;"
                    + " raise --max-iter or loosen --tol");
        }
        return w.isEmpty() ? null : String.join("; ", w);
    }
}
