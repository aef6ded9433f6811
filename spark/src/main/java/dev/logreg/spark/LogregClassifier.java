package dev.logreg.spark;

import dev.logreg.backend.BackendFactory;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Logistic regression for Spark ML pipelines, binary, multinomial or one-vs-rest over K classes, trained by logreg's engine: every
 * partition is converted once to float32 and bound to the best backend on its executor (GPU where usable, else the
 * ND4J CPU backend), and the driver runs logreg's L-BFGS (smooth penalties), OWL-QN (L1, elastic net) or Newton over
 * the sum of the partitions' data terms, combined with {@code treeAggregate}. The objective is logreg's, exactly: for
 * two classes (binary, one logit)
 * <pre>
 *   J(θ, b) = (1/m) Σᵢ wᵢ ℓ(yᵢ, θ·xᵢ + b) + (λ/m) [α Σ|θⱼ| + ((1−α)/2) Σθⱼ²],    m = Σᵢ wᵢ
 * </pre>
 * and for K classes (multinomial, one row θ_c and intercept b_c per class, the penalty on every entry of W)
 * <pre>
 *   J(W, b) = (1/m) Σᵢ wᵢ [ log Σ_c exp(θ_c·xᵢ + b_c) − (θ_{yᵢ}·xᵢ + b_{yᵢ}) ] + (λ/m) [α Σ|W_cj| + ((1−α)/2) Σ W_cj²]
 * </pre>
 * Spark MLlib's {@code LogisticRegression} minimizes the same J (family binomial or multinomial) with
 * {@code regParam = λ/m}, {@code elasticNetParam = α}, {@code standardization = false}. Both use the symmetric
 * multinomial parameterisation; the coordinates the penalty leaves free (the intercepts; every coefficient without a
 * penalty) are centred to sum to zero over the classes, as MLlib and the single-machine engine do.
 *
 * <p>Columns: {@code featuresCol} (a vector, default {@code features}; a column of sparse vectors is trained as CSR
 * partitions, never widened: README, "Sparse features"), {@code labelCol} (numeric class indices 0 to
 * K−1, default {@code label}; K from the column's metadata, a {@code NominalAttribute} as {@code StringIndexer} writes
 * it, else the largest label + 1), optional {@code weightCol} (numeric, ≥ 0). {@code family} chooses the model:
 * {@code auto} (binary for 2 classes, multinomial for more), {@code binomial}, {@code multinomial} or {@code ovr}:
 * one-vs-rest, K binary fits of class c against the rest (the binary J above with labels [y = c]), run in turn over
 * the same bound partitions (each partition converted and bound once, {@code Backend.bindOneVsRest}), each with the
 * penalty and standardization as given, as scikit-learn's and the single-machine engine's one-vs-rest; for 2 classes
 * it is the binomial fit, as in both. A value of {@code family} rather than a separate parameter because it names the
 * model's form, as MLlib's {@code family} does, and a separate switch would allow contradictions (binomial and
 * one-vs-rest); MLlib's own {@code OneVsRest} meta-estimator, which caches and fits the data K times, stays usable. Wrong columns
 * fail with an {@link IllegalArgumentException} before any job runs; labels that are not class indices are found by
 * one aggregate job before the data are touched otherwise, and a class without rows (multinomial) by the binding pass.
 *
 * <p>Persisted with Spark ML's default params writer ({@link #write()}, {@link #load(String)}). Like every Spark
 * {@code Params}, not thread-safe to mutate; {@link #fit} may be called from several threads on an unchanging instance.
 */
public final class LogregClassifier extends Estimator<LogregClassificationModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> weightCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> predictionCol;
    private final DoubleParam threshold;
    private final Param<String> penalty;
    private final DoubleParam lambda;
    private final DoubleParam alpha;
    private final BooleanParam fitIntercept;
    private final IntParam maxIter;
    private final DoubleParam gradientTol;
    private final DoubleParam tol;
    private final Param<String> optimizer;
    private final Param<String> backend;
    private final BooleanParam precondition;
    private final BooleanParam standardization;
    private final IntParam aggregationDepth;
    private final Param<String> family;

    /** A classifier with a random uid and the default parameters. */
    public LogregClassifier() {
        this(Identifiable$.MODULE$.randomUID("logregClassifier"));
    }

    /** A classifier with the given uid (Spark's readers and {@code copy} use this constructor). */
    public LogregClassifier(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(uid, "featuresCol", "features column: a vector");
        labelCol = new Param<>(uid, "labelCol", "label column: numeric class indices 0 to K-1 (K from its metadata, else the largest label + 1)");
        weightCol = new Param<>(uid, "weightCol", "sample weight column (numeric, >= 0); empty for unit weights");
        rawPredictionCol = new Param<>(uid, "rawPredictionCol", "output column of the model: vector [-z, z] of the logit z (binary), or the K"
                + " logits (multinomial), or the K binary logits (ovr); empty for none");
        probabilityCol = new Param<>(uid, "probabilityCol", "output column of the model: vector [P(y=0), P(y=1)], or the K class probabilities (ovr:"
                + " sigma(z_c) / sum of sigma(z_e), as scikit-learn)");
        predictionCol = new Param<>(uid, "predictionCol", "output column of the model: the predicted class index, as a double");
        threshold = new DoubleParam(uid, "threshold", "a binary model predicts 1 where P(y=1) > threshold (a multinomial one: the most probable"
                + " class)", ParamValidators.inRange(0.0, 1.0));
        penalty = new Param<>(uid, "penalty", "none, l2, l1 or elasticnet", ParamValidators.inArray(List.of("none", "l2", "l1", "elasticnet")));
        lambda = new DoubleParam(uid, "lambda", "penalty strength lambda >= 0; the penalty is (lambda/m)[alpha|theta|_1 + (1-alpha)/2 |theta|^2], m = weight sum", ParamValidators.gtEq(0.0));
        alpha = new DoubleParam(uid, "alpha", "elastic-net l1 ratio in [0, 1] (used with penalty elasticnet)", ParamValidators.inRange(0.0, 1.0));
        fitIntercept = new BooleanParam(uid, "fitIntercept", "whether to learn the intercept (never penalized)");
        maxIter = new IntParam(uid, "maxIter", "most optimizer iterations (>= 1)", ParamValidators.gtEq(1.0));
        gradientTol = new DoubleParam(uid, "gradientTol", "stop when |g|_inf <= gradientTol * max(|J|, 1) (> 0)", ParamValidators.gt(0.0));
        tol = new DoubleParam(uid, "tol", "stop when the relative change of J is <= tol (>= 0; 0 disables)", ParamValidators.gtEq(0.0));
        optimizer = new Param<>(uid, "optimizer", "auto, lbfgs, owlqn or newton (auto: lbfgs for none/l2, owlqn for l1/elasticnet; newton:"
                + " second order, for up to a few hundred features, on executors whose backend forms the Hessian: cpu or reference)",
                ParamValidators.inArray(List.of("auto", "lbfgs", "owlqn", "newton")));
        // Any backend's name (checked against the providers on the class path when fit starts, before any job).
        backend = new Param<>(uid, "backend", "executors' backend: auto (-Dlogreg.backend, LOGREG_BACKEND, then gpu > cpu > reference), gpu, cpu, "
                + "reference, or the name of any other backend provider on the class path");
        precondition = new BooleanParam(uid, "precondition", "optimize an exactly equivalent standardized problem (changes the path, never the optimum)");
        standardization = new BooleanParam(uid, "standardization", "penalize the coefficients of standardized features (as MLlib's standardization"
                + " and glmnet's standardize; population standard deviations); the model keeps the original scales");
        aggregationDepth = new IntParam(uid, "aggregationDepth", "depth of treeAggregate (>= 1)", ParamValidators.gtEq(1.0));
        family = new Param<>(uid, "family", "auto (binomial for 2 classes, multinomial for more), binomial (2 classes, one logit), multinomial"
                + " (softmax over K logits, also for 2 classes) or ovr (one-vs-rest: K binary fits over one bind of the rows; for 2 classes the"
                + " binomial fit)", ParamValidators.inArray(List.of("auto", "binomial", "multinomial", "ovr")));

        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(weightCol, "");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(probabilityCol, "probability");
        setDefault(predictionCol, "prediction");
        setDefault(threshold, 0.5);
        setDefault(penalty, "none");
        setDefault(lambda, 0.0);
        setDefault(alpha, 0.5);
        setDefault(fitIntercept, true);
        setDefault(maxIter, 1000);
        setDefault(gradientTol, StoppingCriteria.DEFAULT.gradientTolerance());
        setDefault(tol, StoppingCriteria.DEFAULT.relativeObjectiveTolerance());
        setDefault(optimizer, "auto");
        setDefault(backend, "auto");
        setDefault(precondition, true);
        setDefault(standardization, false);
        setDefault(aggregationDepth, 2);
        setDefault(family, "auto");
    }

    @Override public String uid() { return uid; }

    // Params: Spark finds them by reflection over public no-argument methods returning a Param.

    /** Features column (vector), default {@code features}. */
    public Param<String> featuresCol() { return featuresCol; }
    /** Label column (numeric class indices 0 to K−1), default {@code label}. */
    public Param<String> labelCol() { return labelCol; }
    /** Sample-weight column, default empty (unit weights). */
    public Param<String> weightCol() { return weightCol; }
    /** The model's raw prediction column (vector [−z, z]), default {@code rawPrediction}; empty for none. */
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    /** The model's probability column, default {@code probability}. */
    public Param<String> probabilityCol() { return probabilityCol; }
    /** The model's prediction column, default {@code prediction}. */
    public Param<String> predictionCol() { return predictionCol; }
    /** The model's decision threshold on P(y=1), default 0.5. */
    public DoubleParam threshold() { return threshold; }
    /** Penalty kind: none (default), l2, l1, elasticnet. */
    public Param<String> penalty() { return penalty; }
    /** λ ≥ 0, default 0. */
    public DoubleParam lambda() { return lambda; }
    /** α in [0, 1] for elastic net, default 0.5. */
    public DoubleParam alpha() { return alpha; }
    /** Whether to learn the intercept, default true. */
    public BooleanParam fitIntercept() { return fitIntercept; }
    /** Most iterations, default 1000. */
    public IntParam maxIter() { return maxIter; }
    /** Gradient tolerance, default 1e-8. */
    public DoubleParam gradientTol() { return gradientTol; }
    /** Relative objective-change tolerance, default 1e-14. */
    public DoubleParam tol() { return tol; }
    /** Optimizer: auto (default), lbfgs, owlqn, newton (executors on the cpu or reference backend). */
    public Param<String> optimizer() { return optimizer; }
    /** Executors' backend: auto (default), gpu, cpu, reference, or any other backend provider's name. */
    public Param<String> backend() { return backend; }
    /** Whether to precondition, default true. */
    public BooleanParam precondition() { return precondition; }
    /** Whether the penalty applies to standardized features' coefficients, default false (MLlib's default is true). */
    public BooleanParam standardization() { return standardization; }
    /** treeAggregate depth, default 2. */
    public IntParam aggregationDepth() { return aggregationDepth; }
    /** Model family: auto (default: binomial for 2 classes, multinomial for more), binomial, multinomial, ovr (one-vs-rest). */
    public Param<String> family() { return family; }

    /** The value of {@link #featuresCol()} (set or default). */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** The value of {@link #labelCol()} (set or default). */
    public String getLabelCol() { return getOrDefault(labelCol); }
    /** The value of {@link #weightCol()} (set or default). */
    public String getWeightCol() { return getOrDefault(weightCol); }
    /** The value of {@link #rawPredictionCol()} (set or default). */
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }
    /** The value of {@link #probabilityCol()} (set or default). */
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    /** The value of {@link #predictionCol()} (set or default). */
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    /** The value of {@link #threshold()} (set or default). */
    public double getThreshold() { return (Double) getOrDefault(threshold); }
    /** The value of {@link #penalty()} (set or default). */
    public String getPenalty() { return getOrDefault(penalty); }
    /** The value of {@link #lambda()} (set or default). */
    public double getLambda() { return (Double) getOrDefault(lambda); }
    /** The value of {@link #alpha()} (set or default). */
    public double getAlpha() { return (Double) getOrDefault(alpha); }
    /** The value of {@link #fitIntercept()} (set or default). */
    public boolean getFitIntercept() { return (Boolean) getOrDefault(fitIntercept); }
    /** The value of {@link #maxIter()} (set or default). */
    public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
    /** The value of {@link #gradientTol()} (set or default). */
    public double getGradientTol() { return (Double) getOrDefault(gradientTol); }
    /** The value of {@link #tol()} (set or default). */
    public double getTol() { return (Double) getOrDefault(tol); }
    /** The value of {@link #optimizer()} (set or default). */
    public String getOptimizer() { return getOrDefault(optimizer); }
    /** The value of {@link #backend()} (set or default). */
    public String getBackend() { return getOrDefault(backend); }
    /** The value of {@link #precondition()} (set or default). */
    public boolean getPrecondition() { return (Boolean) getOrDefault(precondition); }
    /** The value of {@link #standardization()} (set or default). */
    public boolean getStandardization() { return (Boolean) getOrDefault(standardization); }
    /** The value of {@link #aggregationDepth()} (set or default). */
    public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
    /** The value of {@link #family()} (set or default). */
    public String getFamily() { return getOrDefault(family); }

    /** Sets {@link #featuresCol()}; returns this. */
    public LogregClassifier setFeaturesCol(String v) { set(featuresCol, v); return this; }
    /** Sets {@link #labelCol()}; returns this. */
    public LogregClassifier setLabelCol(String v) { set(labelCol, v); return this; }
    /** Sets {@link #weightCol()} (empty for unit weights); returns this. */
    public LogregClassifier setWeightCol(String v) { set(weightCol, v); return this; }
    /** Sets {@link #rawPredictionCol()} (empty for none); returns this. */
    public LogregClassifier setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }
    /** Sets {@link #probabilityCol()}; returns this. */
    public LogregClassifier setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    /** Sets {@link #predictionCol()}; returns this. */
    public LogregClassifier setPredictionCol(String v) { set(predictionCol, v); return this; }
    /** Sets {@link #threshold()}; returns this. */
    public LogregClassifier setThreshold(double v) { set(threshold, v); return this; }
    /** Sets {@link #penalty()}; returns this. */
    public LogregClassifier setPenalty(String v) { set(penalty, v); return this; }
    /** Sets {@link #lambda()}; returns this. */
    public LogregClassifier setLambda(double v) { set(lambda, v); return this; }
    /** Sets {@link #alpha()}; returns this. */
    public LogregClassifier setAlpha(double v) { set(alpha, v); return this; }
    /** Sets {@link #fitIntercept()}; returns this. */
    public LogregClassifier setFitIntercept(boolean v) { set(fitIntercept, v); return this; }
    /** Sets {@link #maxIter()}; returns this. */
    public LogregClassifier setMaxIter(int v) { set(maxIter, v); return this; }
    /** Sets {@link #gradientTol()}; returns this. */
    public LogregClassifier setGradientTol(double v) { set(gradientTol, v); return this; }
    /** Sets {@link #tol()}; returns this. */
    public LogregClassifier setTol(double v) { set(tol, v); return this; }
    /** Sets {@link #optimizer()}; returns this. */
    public LogregClassifier setOptimizer(String v) { set(optimizer, v); return this; }
    /** Sets {@link #backend()}; returns this. */
    public LogregClassifier setBackend(String v) { set(backend, v); return this; }
    /** Sets {@link #precondition()}; returns this. */
    public LogregClassifier setPrecondition(boolean v) { set(precondition, v); return this; }
    /** Sets {@link #standardization()}; returns this. */
    public LogregClassifier setStandardization(boolean v) { set(standardization, v); return this; }
    /** Sets {@link #aggregationDepth()}; returns this. */
    public LogregClassifier setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
    /** Sets {@link #family()}; returns this. */
    public LogregClassifier setFamily(String v) { set(family, v); return this; }

    /** The penalty these parameters describe. */
    public Penalty penaltyValue() {
        return Penalty.of(getPenalty(), getLambda(), getAlpha());
    }

    /**
     * Trains on {@code dataset}. Binds every partition on its executor, runs the optimizer on the driver, and closes
     * every bound partition before returning (also on failure).
     *
     * @throws IllegalArgumentException on a missing or mistyped column, labels that are not class indices, negative
     *                                  weights, one class only (binary, with an intercept), a class without rows
     *                                  (multinomial), or parameters that do not fit together
     */
    @Override
    public LogregClassificationModel fit(Dataset<?> dataset) {
        // Input columns only: training data may already hold columns named like the model's outputs.
        DistributedTrainer.checkSchema(dataset.schema(), getFeaturesCol(), getLabelCol(), getWeightCol());
        String b = getBackend();
        String choice = b.trim().equalsIgnoreCase("auto") ? null : b;
        if (choice != null) BackendFactory.discover(LogregClassifier.class.getClassLoader()).resolve(choice, "param backend");
        DistributedTrainer.Settings s = new DistributedTrainer.Settings(getFeaturesCol(), getLabelCol(), getWeightCol(), penaltyValue(),
                getFitIntercept(), getOptimizer(), new StoppingCriteria(getMaxIter(), getGradientTol(), getTol(), null), getPrecondition(),
                choice, getAggregationDepth(), getStandardization(), getFamily());
        DistributedTrainer.Result r = DistributedTrainer.fit(dataset, s);
        LogregClassificationModel model = new LogregClassificationModel(uid, r.coefficients(), r.intercepts(), r.mode(), r.summary());
        return copyValues(model, copyValues$default$2()).setParent(this);
    }

    /** Checks the input columns and appends the model's output columns. */
    @Override
    public StructType transformSchema(StructType schema) {
        DistributedTrainer.checkSchema(schema, getFeaturesCol(), getLabelCol(), getWeightCol());
        return LogregClassificationModel.outputSchema(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
    }

    @Override
    public LogregClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Spark ML's reader for saved classifiers. */
    public static MLReader<LogregClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a classifier saved with {@code write().save(path)}. */
    public static LogregClassifier load(String path) {
        return read().load(path);
    }
}
