package dev.logreg.cli;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.metrics.CoefficientStatistics;
import dev.logreg.train.TrainingResult;

import java.io.PrintWriter;
import java.util.Locale;

/** {@code train --stats}: the coefficients' standard errors, computed after the fit and printed as a table. */
final class StatisticsOutput {
    private StatisticsOutput() {}

    /**
     * The statistics of the model on the training rows, from the Hessian of {@code trained} (the training rows bound
     * for the log loss, as the fit had them) or, where it forms none (the GPU beyond 2,048 features), of the CPU
     * backend where usable, else of the reference backend.
     */
    static CoefficientStatistics compute(BackendFactory factory, DataTerm trained, Dataset train, TrainingResult result,
                                       double confidence, int threads) {
        if (trained.supportsHessian()) return CoefficientStatistics.of(trained, result, confidence);
        BackendProvider cpu = factory.providers().stream().filter(p -> p.name().equals("cpu")).findFirst().orElse(null);
        try (Backend other = cpu != null && factory.availability(cpu).usable() ? cpu.create(new BackendOptions(threads, 0)) : new ReferenceBackend();
             DataTerm term = other.bind(train, Loss.log())) {
            return CoefficientStatistics.of(term, result, confidence);
        }
    }

    /** The coefficient table of --stats, as R's summary.glm prints it. */
    static void print(PrintWriter stdout, CoefficientStatistics s) {
        double level = s.confidence();
        stdout.printf(Locale.ROOT, "coefficients (standard errors from the observed information; %s%% intervals):%n", trim(100 * level));
        int width = Math.max(12, s.coefficients().stream().mapToInt(c -> c.name().length()).max().orElse(0));
        stdout.printf(Locale.ROOT, "  %-" + width + "s  %12s  %11s  %9s  %10s  %12s  %12s%n", "", "estimate", "std err", "z", "P>|z|", "lower", "upper");
        for (CoefficientStatistics.Coefficient c : s.coefficients()) {
            stdout.printf(Locale.ROOT, "  %-" + width + "s  %12.6g  %11.4g  %9.3f  %10.3g  %12.6g  %12.6g%n", c.name(), c.estimate(), c.standardError(),
                    c.z(), c.pValue(), c.lower(), c.upper());
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
