package dev.logreg.metrics;

import dev.logreg.backend.DataTerm;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Cholesky;
import dev.logreg.train.TrainingResult;
import org.apache.commons.statistics.distribution.NormalDistribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Standard errors, Wald z statistics, p-values and confidence intervals of the coefficients of an unpenalized
 * maximum-likelihood fit, as R's {@code summary(glm(..., family = binomial))} and statsmodels' {@code Logit} report
 * them: the covariance of (θ, b) is the inverse of the observed Fisher information at the optimum,
 * I = Σ wᵢ σ(zᵢ)(1 − σ(zᵢ)) x̃ᵢ x̃ᵢᵀ with x̃ = (x, 1) (the intercept's row and column only where it was fitted),
 * which is M times the Hessian of the mean data term that the backend computes ({@link DataTerm#hessian}).
 * Sample weights count as frequency weights: a row of weight 3 is three observations.
 *
 * <p>Only for what the theory covers: log loss, no penalty (an L1 or L2 penalty biases the estimates and makes these
 * intervals wrong), and an optimizer that converged; and only where the information is invertible (no collinear
 * columns, no separation). The inverse is taken after scaling the information to a unit diagonal (Jacobi), so
 * features of very different scales lose no precision to the scaling alone.
 *
 * @param coefficients one row per coefficient, in feature order, then the intercept (where fitted)
 * @param confidence   the level of the intervals, in (0, 1)
 * @param covariance   the covariance matrix of the estimates, row-major, in the order of {@code coefficients}
 */
public record CoefficientStatistics(List<Coefficient> coefficients, double confidence, double[] covariance) {
    /** The name of the intercept's row. */
    public static final String INTERCEPT = "(intercept)";

    /**
     * One coefficient.
     *
     * @param name          the feature's name (or {@code x<j>}), or {@link #INTERCEPT}
     * @param estimate      the fitted value
     * @param standardError the square root of its variance
     * @param z             estimate / standardError (the Wald statistic of "the coefficient is 0")
     * @param pValue        the two-sided p-value of z under the standard normal distribution
     * @param lower         the lower end of the confidence interval, estimate − q·standardError
     * @param upper         the upper end, estimate + q·standardError (q the normal quantile of the level)
     */
    public record Coefficient(String name, double estimate, double standardError, double z, double pValue, double lower, double upper) {
    }

    public CoefficientStatistics {
        coefficients = List.copyOf(coefficients);
        covariance = covariance.clone();
    }

    /** The covariance matrix (a copy). */
    @Override
    public double[] covariance() {
        return covariance.clone();
    }

    /**
     * The statistics of {@code fit}'s model on the data {@code term} is bound to (the rows it was trained on, in the
     * model's feature scales).
     *
     * @param term       a term that computes the Hessian ({@link DataTerm#supportsHessian()}), bound to the training
     *                   rows with log loss
     * @param confidence the level of the intervals, in (0, 1), for example 0.95
     * @throws IllegalArgumentException where the fit was penalized, used another loss, did not converge, or the
     *                                  information is singular (naming why), or on a term without a Hessian, of
     *                                  another width, or a level outside (0, 1)
     */
    public static CoefficientStatistics of(DataTerm term, TrainingResult fit, double confidence) {
        Objects.requireNonNull(term, "term");
        Objects.requireNonNull(fit, "fit");
        if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence is " + confidence + ", expected a level in (0, 1)");
        if (fit.options().loss().kind() != Loss.Kind.LOG) {
            throw new IllegalArgumentException("standard errors need the log loss (a likelihood); the fit used " + fit.options().loss().kind());
        }
        if (!fit.options().penalty().isZero()) {
            throw new IllegalArgumentException("standard errors of a penalized fit (" + fit.options().penalty() + ") are not those of maximum"
                    + " likelihood: the penalty biases the estimates; fit without a penalty");
        }
        if (!fit.status().isConverged()) {
            throw new IllegalArgumentException("the fit ended with " + fit.status() + ", not at the maximum likelihood"
                    + (fit.status() == dev.logreg.optim.Status.UNBOUNDED_COEFFICIENTS ? " (the data are separable: no finite maximum)" : ""));
        }
        if (!term.supportsHessian()) throw new IllegalArgumentException("the term does not compute the Hessian (the gpu backend forms it for at most 2,048 features); bind the data to the cpu or reference backend");
        LogisticModel model = fit.model();
        int n = model.features();
        if (term.features() != n) throw new IllegalArgumentException("the term has " + term.features() + " features, the model " + n);

        int full = n + 1;
        if ((long) full * full > Integer.MAX_VALUE - 8) {
            // A million hashed features, say: the (n+1)² matrix would not be one Java array (nor fit any memory).
            throw new IllegalArgumentException("standard errors need the (features + 1)² Hessian, " + full + "² values for " + n
                    + " features: more than one array holds (at most 46,339 features)");
        }
        double[] params = Arrays.copyOf(model.coefficients(), n + 1);
        params[n] = model.intercept();
        double[] h = new double[full * full];
        term.hessian(params, h);
        double m = term.weightSum(0, term.rows());
        int d = model.fitIntercept() ? n + 1 : n;
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < n; j++) names.add(model.featureNames() == null ? "x" + j : model.featureNames().get(j));
        if (d > n) names.add(INTERCEPT);

        // Jacobi scaling: A = S H S with S = diag(1/√Hⱼⱼ), so that A has a unit diagonal.
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double hjj = h[j * full + j];
            if (!(hjj > 0) || !Double.isFinite(hjj)) {
                throw new IllegalArgumentException("the Fisher information of " + names.get(j) + " is " + hjj * m
                        + ": the column carries no information (all zero, or every fitted probability is 0 or 1); no standard errors");
            }
            scale[j] = 1 / Math.sqrt(hjj);
        }
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) a[i * d + j] = scale[i] * h[i * full + j] * scale[j];
        }
        double[] l = new double[d * d];
        if (!Cholesky.factor(a, d, 0.0, l)) {
            throw new IllegalArgumentException("the Fisher information is singular at the optimum: some columns are linearly dependent"
                    + " (a duplicated or constant feature, or one that is a sum of others); drop them for standard errors");
        }
        double[] covariance = new double[d * d];
        double[] e = new double[d];
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            Arrays.fill(e, 0);
            e[j] = 1;
            Cholesky.solve(l, d, e, x);
            for (int i = 0; i < d; i++) covariance[i * d + j] = scale[i] * x[i] * scale[j] / m;
        }

        NormalDistribution normal = NormalDistribution.of(0, 1);
        double q = normal.inverseSurvivalProbability((1 - confidence) / 2);
        List<Coefficient> rows = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            double estimate = params[j];
            double se = Math.sqrt(covariance[j * d + j]);
            double z = estimate / se;
            rows.add(new Coefficient(names.get(j), estimate, se, z, 2 * normal.survivalProbability(Math.abs(z)), estimate - q * se, estimate + q * se));
        }
        return new CoefficientStatistics(rows, confidence, covariance);
    }

    /** As JSON-ready maps: {@code confidence} and {@code coefficients} (name, estimate, standardError, z, pValue, lower, upper). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("confidence", confidence);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Coefficient c : coefficients) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", c.name());
            r.put("estimate", c.estimate());
            r.put("standardError", c.standardError());
            r.put("z", c.z());
            r.put("pValue", c.pValue());
            r.put("lower", c.lower());
            r.put("upper", c.upper());
            rows.add(r);
        }
        m.put("coefficients", rows);
        return m;
    }
}
