package dev.logreg.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * A trained logistic regression model in a Spark ML pipeline, binary or multinomial over K classes (MLlib's column
 * conventions, so its evaluators and {@code CrossValidator} apply with their defaults).
 * <ul>
 *   <li>Binary (one logit z = θ·x + b): appends {@code rawPredictionCol}, the vector [−z, z] (unless its name is
 *   empty), {@code probabilityCol}, the vector [P(y=0), P(y=1)], and {@code predictionCol}, 1.0 where
 *   P(y=1) &gt; {@code threshold}, else 0.0. P(y=1) = σ(z), in double precision with the stable branch form of σ.</li>
 *   <li>Multinomial (K logits z_c = θ_c·x + b_c): {@code rawPredictionCol} is the vector of the K logits,
 *   {@code probabilityCol} their softmax (computed after subtracting the largest logit, so it never overflows), and
 *   {@code predictionCol} the class of the largest logit (the first on a tie), as a double; {@code threshold} is not
 *   used.</li>
 *   <li>One-vs-rest (K binary models, class c against the rest, logits z_c = θ_c·x + b_c): {@code rawPredictionCol}
 *   is the vector of the K binary logits, {@code probabilityCol} scikit-learn's normalisation σ(z_c) / Σ_e σ(z_e)
 *   (computed as the api's {@link dev.logreg.model.OneVsRestModel} does, a softmax of log σ(z_c), so that rows far
 *   from every class still get probabilities), and {@code predictionCol} the class of the largest logit.</li>
 * </ul>
 *
 * <p>Persisted with Spark ML's writer: params as Spark's default metadata, and under {@code path/data} one Parquet
 * row: (intercept, coefficients) for a binary model, the layout every earlier version wrote and still loads;
 * (numClasses, interceptVector, coefficientMatrix), MLlib's names, for a multinomial one; the same and a column
 * oneVsRest (true) for a one-vs-rest one. Immutable coefficients;
 * thread-safe to transform with.
 */
public final class LogregClassificationModel extends Model<LogregClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    /** One row of n per output: θ for the binary model, θ_c for each of the K classes of a multinomial one. */
    private final double[][] coefficients;
    private final double[] intercepts;
    /** Whether the K rows are the softmax model; with K rows and not multinomial, one-vs-rest. */
    private final boolean multinomial;
    private final boolean oneVsRest;
    private final transient LogregTrainingSummary summary;
    private final Param<String> featuresCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> predictionCol;
    private final DoubleParam threshold;

    /** A binary model over {@code coefficients} (θ, length n; copied) and {@code intercept}, with a random uid. */
    public LogregClassificationModel(double[] coefficients, double intercept) {
        this(Identifiable$.MODULE$.randomUID("logregClassificationModel"), new double[][] {coefficients}, new double[] {intercept},
                DistributedTrainer.Mode.BINARY, null);
    }

    /**
     * A multinomial model over K = {@code coefficients.length} classes (at least 2): row c of {@code coefficients}
     * (n each) and {@code intercepts[c]} give class c's logit; copied. With a random uid.
     */
    public LogregClassificationModel(double[][] coefficients, double[] intercepts) {
        this(Identifiable$.MODULE$.randomUID("logregClassificationModel"), coefficients, intercepts, DistributedTrainer.Mode.MULTINOMIAL, null);
    }

    /**
     * A one-vs-rest model over K = {@code coefficients.length} classes (at least 2): row c of {@code coefficients}
     * (n each) and {@code intercepts[c]} give the logit of class c's binary model against the rest; copied. With a
     * random uid.
     */
    public static LogregClassificationModel oneVsRest(double[][] coefficients, double[] intercepts) {
        return new LogregClassificationModel(Identifiable$.MODULE$.randomUID("logregClassificationModel"), coefficients, intercepts,
                DistributedTrainer.Mode.ONE_VS_REST, null);
    }

    LogregClassificationModel(String uid, double[][] coefficients, double[] intercepts, DistributedTrainer.Mode mode, LogregTrainingSummary summary) {
        this.uid = uid;
        int outputs = coefficients.length;
        boolean multinomial = mode == DistributedTrainer.Mode.MULTINOMIAL;
        boolean perClass = mode != DistributedTrainer.Mode.BINARY;
        if (perClass && outputs < 2) {
            throw new IllegalArgumentException("a " + (multinomial ? "multinomial" : "one-vs-rest") + " model has " + outputs
                    + " coefficient rows, expected one per class (at least 2)");
        }
        if (!perClass && outputs != 1) throw new IllegalArgumentException("a binary model has " + outputs + " coefficient rows, expected 1");
        if (intercepts.length != outputs) throw new IllegalArgumentException(intercepts.length + " intercepts for " + outputs + " coefficient rows, expected one each");
        int n = coefficients[0].length;
        this.coefficients = new double[outputs][];
        for (int c = 0; c < outputs; c++) {
            if (coefficients[c].length != n) throw new IllegalArgumentException("coefficient row " + c + " has " + coefficients[c].length + " entries, row 0 has " + n);
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(coefficients[c][j])) {
                    throw new IllegalArgumentException("coefficient " + (outputs == 1 ? "" : c + ", ") + j + " is " + coefficients[c][j] + ", expected a finite number");
                }
            }
            if (!Double.isFinite(intercepts[c])) throw new IllegalArgumentException("intercept " + (outputs == 1 ? "" : c + " ") + "is " + intercepts[c] + ", expected a finite number");
            this.coefficients[c] = coefficients[c].clone();
        }
        this.intercepts = intercepts.clone();
        this.multinomial = multinomial;
        this.oneVsRest = mode == DistributedTrainer.Mode.ONE_VS_REST;
        this.summary = summary;
        featuresCol = new Param<>(uid, "featuresCol", "features column: a vector");
        rawPredictionCol = new Param<>(uid, "rawPredictionCol", "output column: vector [-z, z] of the logit z = theta.x + b (MLlib's"
                + " convention), or the K logits of a multinomial model; empty for none");
        probabilityCol = new Param<>(uid, "probabilityCol", "output column: vector [P(y=0), P(y=1)], or the K class probabilities");
        predictionCol = new Param<>(uid, "predictionCol", "output column: the predicted class index, as a double");
        threshold = new DoubleParam(uid, "threshold", "binary models predict 1 where P(y=1) > threshold (multinomial ones: the most"
                + " probable class)", ParamValidators.inRange(0.0, 1.0));
        setDefault(featuresCol, "features");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(probabilityCol, "probability");
        setDefault(predictionCol, "prediction");
        setDefault(threshold, 0.5);
    }

    @Override public String uid() { return uid; }

    /** Features column (vector), default {@code features}. */
    public Param<String> featuresCol() { return featuresCol; }
    /** Raw prediction column (vector [−z, z]), default {@code rawPrediction}; empty for none. */
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    /** Probability column, default {@code probability}. */
    public Param<String> probabilityCol() { return probabilityCol; }
    /** Prediction column, default {@code prediction}. */
    public Param<String> predictionCol() { return predictionCol; }
    /** Decision threshold on P(y=1), default 0.5. */
    public DoubleParam threshold() { return threshold; }

    /** The value of {@link #featuresCol()} (set or default). */
    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    /** The value of {@link #rawPredictionCol()} (set or default). */
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }
    /** The value of {@link #probabilityCol()} (set or default). */
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    /** The value of {@link #predictionCol()} (set or default). */
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    /** The value of {@link #threshold()} (set or default). */
    public double getThreshold() { return (Double) getOrDefault(threshold); }

    /** Sets {@link #featuresCol()}; returns this. */
    public LogregClassificationModel setFeaturesCol(String v) { set(featuresCol, v); return this; }
    /** Sets {@link #rawPredictionCol()} (empty for none); returns this. */
    public LogregClassificationModel setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }
    /** Sets {@link #probabilityCol()}; returns this. */
    public LogregClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }
    /** Sets {@link #predictionCol()}; returns this. */
    public LogregClassificationModel setPredictionCol(String v) { set(predictionCol, v); return this; }
    /** Sets {@link #threshold()}; returns this. */
    public LogregClassificationModel setThreshold(double v) { set(threshold, v); return this; }

    /**
     * θ in the user's feature scales, length n; a copy. Binary models only.
     *
     * @throws IllegalStateException for a multinomial model (use {@link #coefficientMatrix()})
     */
    public double[] coefficients() {
        requireBinary("coefficients()", "coefficientMatrix()");
        return coefficients[0].clone();
    }

    /**
     * b (0 where trained without intercept). Binary models only.
     *
     * @throws IllegalStateException for a multinomial model (use {@link #interceptVector()})
     */
    public double intercept() {
        requireBinary("intercept()", "interceptVector()");
        return intercepts[0];
    }

    /** One row of n coefficients per output, in the user's feature scales: 1 row (θ) for a binary model, K rows for a multinomial one; a copy. */
    public double[][] coefficientMatrix() {
        double[][] out = new double[coefficients.length][];
        for (int c = 0; c < out.length; c++) out[c] = coefficients[c].clone();
        return out;
    }

    /** One intercept per output (1 for a binary model, K for a multinomial one); a copy. */
    public double[] interceptVector() { return intercepts.clone(); }

    /** K: 2 for a binary model. */
    public int numClasses() { return coefficients.length > 1 ? coefficients.length : 2; }

    /** Whether this is the softmax model over {@link #numClasses()} logits (else the binary model of one logit). */
    public boolean isMultinomial() { return multinomial; }

    /** Whether this is K binary models, class c against the rest (family ovr over more than 2 classes). */
    public boolean isOneVsRest() { return oneVsRest; }

    /** n. */
    public int numFeatures() { return coefficients[0].length; }

    /** How training went; empty for a loaded or hand-built model. */
    public Optional<LogregTrainingSummary> summary() { return Optional.ofNullable(summary); }

    private void requireBinary(String what, String instead) {
        if (coefficients.length > 1) {
            throw new IllegalStateException(what + " is the binary model's; this is a " + coefficients.length + "-class "
                    + (multinomial ? "multinomial" : "one-vs-rest") + " model: use " + instead);
        }
    }

    /** P(y=1 | x) = σ(θ·x + b). Binary models only ({@link #probabilities} for any). */
    public double probability(Vector x) {
        requireBinary("probability(x)", "probabilities(x)");
        return sigmoid(margin(coefficients[0], intercepts[0], x));
    }

    /** The logit z = θ·x + b. Binary models only ({@link #rawPrediction} for any). */
    public double margin(Vector x) {
        requireBinary("margin(x)", "rawPrediction(x)");
        return margin(coefficients[0], intercepts[0], x);
    }

    /** The {@code rawPredictionCol} value of {@code x}: [−z, z] for a binary model, the K logits for a multinomial one. */
    public double[] rawPrediction(Vector x) {
        return raw(coefficients, intercepts, x);
    }

    /** The {@code probabilityCol} value of {@code x}: [P(y=0), P(y=1)], or the K class probabilities. */
    public double[] probabilities(Vector x) {
        return probabilities(coefficients, intercepts, multinomial, x);
    }

    /**
     * θ·x + b in float64, in column order. A {@link SparseVector} is read by its stored entries (never widened to n
     * values): the products it leaves out are of zeros, so a sparse row's logit equals its dense copy's.
     */
    private static double margin(double[] c, double b, Vector x) {
        if (x.size() != c.length) {
            throw new IllegalArgumentException("features vector has " + x.size() + " entries, the model has " + c.length + " coefficients");
        }
        double z = b;
        if (x instanceof DenseVector) {
            double[] v = ((DenseVector) x).values();
            for (int j = 0; j < c.length; j++) z += c[j] * v[j];
        } else {
            SparseVector s = x instanceof SparseVector ? (SparseVector) x : x.toSparse();
            int[] idx = s.indices();
            double[] v = s.values();
            for (int k = 0; k < v.length; k++) z += c[idx[k]] * v[k];
        }
        return z;
    }

    /** Stable σ: never exp of a large positive number. */
    private static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** [−z, z] for one row of coefficients (binary), else the K logits. */
    private static double[] raw(double[][] w, double[] b, Vector x) {
        if (w.length == 1) {
            double z = margin(w[0], b[0], x);
            return new double[] {-z, z};
        }
        double[] z = new double[w.length];
        for (int c = 0; c < w.length; c++) z[c] = margin(w[c], b[c], x);
        return z;
    }

    private static double[] probabilities(double[][] w, double[] b, boolean multinomial, Vector x) {
        if (w.length == 1) {
            double p = sigmoid(margin(w[0], b[0], x));
            return new double[] {1.0 - p, p};
        }
        double[] z = raw(w, b, x);
        if (!multinomial) {
            // One-vs-rest, σ(z_c)/Σσ(z_e), as the softmax of log σ(z_c) (log σ(z) = −log(1 + e^(−z)), in its stable
            // branch form): where every σ underflows to 0 the ratio is still defined.
            for (int c = 0; c < z.length; c++) z[c] = z[c] >= 0 ? -Math.log1p(Math.exp(-z[c])) : z[c] - Math.log1p(Math.exp(z[c]));
        }
        // Softmax after subtracting the largest logit: every exp is at most 1, and the largest term is exactly 1.
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) z[c] /= sum;
        return z;
    }

    /** The class of the largest logit (the first on a tie; a NaN logit never wins). */
    private static double argmax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) {
            if (z[c] > z[best]) best = c;
        }
        return best;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        final double[][] w = coefficientMatrix();
        final double[] b = intercepts.clone();
        final boolean multi = multinomial;
        final boolean perClass = w.length > 1;
        final double t = getThreshold();
        UserDefinedFunction raw = udf((UDF1<Vector, Vector>) x -> Vectors.dense(raw(w, b, x)), SQLDataTypes.VectorType());
        UserDefinedFunction proba = udf((UDF1<Vector, Vector>) x -> Vectors.dense(probabilities(w, b, multi, x)), SQLDataTypes.VectorType());
        UserDefinedFunction predict = udf((UDF1<Vector, Double>) x -> perClass ? argmax(raw(w, b, x))
                : sigmoid(margin(w[0], b[0], x)) > t ? 1.0 : 0.0, DataTypes.DoubleType);
        Dataset<Row> out = dataset.toDF();
        if (!getRawPredictionCol().isEmpty()) out = out.withColumn(getRawPredictionCol(), raw.apply(col(getFeaturesCol())));
        return out.withColumn(getProbabilityCol(), proba.apply(col(getFeaturesCol())))
                .withColumn(getPredictionCol(), predict.apply(col(getFeaturesCol())));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        DistributedTrainer.checkColumn(schema, getFeaturesCol(), "features", true);
        return outputSchema(schema, getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
    }

    /**
     * {@code schema} plus the raw prediction (vector; left out where its name is empty), probability (vector) and
     * prediction (double) columns; they must not exist yet, and must have distinct names.
     */
    static StructType outputSchema(StructType schema, String rawPredictionCol, String probabilityCol, String predictionCol) {
        List<String> names = Arrays.asList(schema.fieldNames());
        List<String> outputs = rawPredictionCol.isEmpty() ? List.of(probabilityCol, predictionCol) : List.of(rawPredictionCol, probabilityCol, predictionCol);
        for (String out : outputs) {
            if (names.contains(out)) throw new IllegalArgumentException("output column '" + out + "' already exists; choose another name");
        }
        if (new java.util.HashSet<>(outputs).size() != outputs.size()) {
            throw new IllegalArgumentException("output columns " + outputs + " repeat a name; expected distinct names");
        }
        StructType out = rawPredictionCol.isEmpty() ? schema : schema.add(rawPredictionCol, SQLDataTypes.VectorType(), false);
        return out.add(probabilityCol, SQLDataTypes.VectorType(), false).add(predictionCol, DataTypes.DoubleType, false);
    }

    @Override
    public LogregClassificationModel copy(ParamMap extra) {
        LogregClassificationModel m = new LogregClassificationModel(uid, coefficients, intercepts, mode(), summary);
        return copyValues(m, extra).setParent(parent());
    }

    private DistributedTrainer.Mode mode() {
        return multinomial ? DistributedTrainer.Mode.MULTINOMIAL : oneVsRest ? DistributedTrainer.Mode.ONE_VS_REST : DistributedTrainer.Mode.BINARY;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Spark ML's reader for saved models. */
    public static MLReader<LogregClassificationModel> read() {
        return new Reader();
    }

    /** Loads a model saved with {@code write().save(path)}. */
    public static LogregClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return coefficients.length > 1
                ? "LogregClassificationModel(uid=" + uid + ", classes=" + coefficients.length + ", features=" + numFeatures() + ", "
                        + (multinomial ? "multinomial" : "one-vs-rest") + ")"
                : "LogregClassificationModel(uid=" + uid + ", features=" + numFeatures() + ", intercept=" + intercepts[0] + ")";
    }

    /** The binary model's data: the only layout before multinomial models, kept so that every saved model loads. */
    private static final StructType DATA_SCHEMA = new StructType()
            .add("intercept", DataTypes.DoubleType, false)
            .add("coefficients", SQLDataTypes.VectorType(), false);

    /** A multinomial model's data, with MLlib's names: K, the K intercepts, the K×n coefficients. */
    private static final StructType MULTINOMIAL_SCHEMA = new StructType()
            .add("numClasses", DataTypes.IntegerType, false)
            .add("interceptVector", SQLDataTypes.VectorType(), false)
            .add("coefficientMatrix", SQLDataTypes.MatrixType(), false);

    /** A one-vs-rest model's data: the multinomial layout and a marker column, so that a softmax model never loads as one. */
    private static final StructType ONE_VS_REST_SCHEMA = MULTINOMIAL_SCHEMA.add("oneVsRest", DataTypes.BooleanType, false);

    /** Metadata (params) as Spark's default writer writes it, then the coefficients and intercepts as one Parquet row. */
    private static final class Writer extends MLWriter {
        private final LogregClassificationModel model;

        Writer(LogregClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            Row row;
            StructType schema;
            if (model.coefficients.length > 1) {
                int k = model.coefficients.length;
                int n = model.numFeatures();
                double[] values = new double[k * n];
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j < n; j++) values[c + j * k] = model.coefficients[c][j]; // column-major, as Spark's DenseMatrix
                }
                DenseMatrix w = new DenseMatrix(k, n, values);
                row = model.oneVsRest ? RowFactory.create(k, Vectors.dense(model.intercepts), w, true)
                        : RowFactory.create(k, Vectors.dense(model.intercepts), w);
                schema = model.oneVsRest ? ONE_VS_REST_SCHEMA : MULTINOMIAL_SCHEMA;
            } else {
                row = RowFactory.create(model.intercepts[0], Vectors.dense(model.coefficients[0]));
                schema = DATA_SCHEMA;
            }
            sparkSession().createDataFrame(List.of(row), schema).repartition(1).write().parquet(new Path(path, "data").toString());
        }
    }

    private static final class Reader extends MLReader<LogregClassificationModel> {
        @Override
        public LogregClassificationModel load(String path) {
            var metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), LogregClassificationModel.class.getName());
            Dataset<Row> data = sparkSession().read().parquet(new Path(path, "data").toString());
            LogregClassificationModel model;
            if (Arrays.asList(data.columns()).contains("coefficientMatrix")) {
                Row row = data.select("numClasses", "interceptVector", "coefficientMatrix").first();
                Vector b = row.getAs(1);
                Matrix w = row.getAs(2);
                int k = row.getInt(0);
                if (w.numRows() != k || b.size() != k) {
                    throw new IllegalArgumentException("saved model at " + path + " states " + k + " classes but holds " + w.numRows()
                            + " coefficient rows and " + b.size() + " intercepts");
                }
                double[][] rows = new double[k][w.numCols()];
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j < w.numCols(); j++) rows[c][j] = w.apply(c, j);
                }
                boolean ovr = Arrays.asList(data.columns()).contains("oneVsRest") && data.select("oneVsRest").first().getBoolean(0);
                model = new LogregClassificationModel(metadata.uid(), rows, b.toArray(),
                        ovr ? DistributedTrainer.Mode.ONE_VS_REST : DistributedTrainer.Mode.MULTINOMIAL, null);
            } else {
                Row row = data.select("intercept", "coefficients").first();
                Vector c = row.getAs(1);
                model = new LogregClassificationModel(metadata.uid(), new double[][] {c.toArray()}, new double[] {row.getDouble(0)},
                        DistributedTrainer.Mode.BINARY, null);
            }
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
