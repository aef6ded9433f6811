package dev.logreg.optim;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.penalty.Penalty;

import java.util.Locale;

/** Shared set-up of the optimizer tests: objectives on the reference backend, and relative gaps. */
final class Fixtures {
    private Fixtures() {}

    /** The preconditioned objective of {@code data} with {@code penalty} and a free intercept, on {@code backend}. */
    static LogisticObjective objective(ReferenceBackend backend, Dataset data, Penalty penalty, boolean precondition) {
        DataTerm term = backend.bind(data, Loss.log());
        Preconditioner pre = precondition ? Preconditioner.fromStatistics(ColumnStatistics.of(data), true, penalty.l2Coefficient(data.weightSum()))
                : Preconditioner.identity(data.cols());
        return new LogisticObjective(term, Loss.log(), penalty, true, pre);
    }

    /** (J(candidate) − J(reference)) / |J(reference)|, both evaluated by the reference backend at model parameters. */
    static double relativeGap(LogisticObjective f, double[] candidateParams, double[] referenceParams) {
        double jc = f.objectiveAtModel(candidateParams);
        double jr = f.objectiveAtModel(referenceParams);
        return (jc - jr) / Math.abs(jr);
    }

    static String row(String optimizer, String dataset, OptimizationResult r, double gap) {
        return String.format(Locale.ROOT, "RESULT %-6s %-22s status=%-18s iterations=%5d evaluations=%6d gap=%+.3e time=%.2fs",
                optimizer, dataset, r.status(), r.iterations(), r.evaluations(), gap, r.elapsedNanos() / 1e9);
    }
}
