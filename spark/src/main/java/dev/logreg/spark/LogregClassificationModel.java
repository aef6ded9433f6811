package dev.logreg.spark;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
 * A trained logistic regression model in a Spark ML pipeline: appends {@code rawPredictionCol}, the vector [−z, z]
 * of the logit z (unless its name is empty), {@code probabilityCol}, the vector [P(y=0), P(y=1)] (MLlib's
 * conventions, so its evaluators and {@code CrossValidator} apply with their defaults), and {@code predictionCol}, 1.0 where
 * P(y=1) &gt; {@code threshold}, else 0.0. P(y=1) = σ(θ·x + b), computed in double precision with the stable
 * branch form of σ.
 *
 * <p>Persisted with Spark ML's writer: params as Spark's default metadata, (intercept, coefficients) as one Parquet
 * row under {@code path/data}. Immutable coefficients; thread-safe to transform with.
 */
public final class LogregClassificationModel extends Model<LogregClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final double[] coefficients;
    private final double intercept;
    private final transient LogregTrainingSummary summary;
    private final Param<String> featuresCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> predictionCol;
    private final DoubleParam threshold;

    /** A model over {@code coefficients} (θ, length n; copied) and {@code intercept}, with a random uid. */
    public LogregClassificationModel(double[] coefficients, double intercept) {
        this(Identifiable$.MODULE$.randomUID("logregClassificationModel"), coefficients, intercept, null);
    }

    LogregClassificationModel(String uid, double[] coefficients, double intercept, LogregTrainingSummary summary) {
        this.uid = uid;
        for (int j = 0; j < coefficients.length; j++) {
            if (!Double.isFinite(coefficients[j])) throw new IllegalArgumentException("coefficient " + j + " is " + coefficients[j] + ", expected a finite number");
        }
        if (!Double.isFinite(intercept)) throw new IllegalArgumentException("intercept is " + intercept + ", expected a finite number");
        this.coefficients = coefficients.clone();
        this.intercept = intercept;
        this.summary = summary;
        featuresCol = new Param<>(uid, "featuresCol", "features column: a vector");
        rawPredictionCol = new Param<>(uid, "rawPredictionCol", "output column: vector [-z, z] of the logit z = theta.x + b (MLlib's"
                + " convention); empty for none");
        probabilityCol = new Param<>(uid, "probabilityCol", "output column: vector [P(y=0), P(y=1)]");
        predictionCol = new Param<>(uid, "predictionCol", "output column: 0.0 or 1.0");
        threshold = new DoubleParam(uid, "threshold", "predicts 1 where P(y=1) > threshold", ParamValidators.inRange(0.0, 1.0));
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

    /** θ in the user's feature scales, length n; a copy. */
    public double[] coefficients() { return coefficients.clone(); }

    /** b (0 where trained without intercept). */
    public double intercept() { return intercept; }

    /** n. */
    public int numFeatures() { return coefficients.length; }

    /** How training went; empty for a loaded or hand-built model. */
    public Optional<LogregTrainingSummary> summary() { return Optional.ofNullable(summary); }

    /** P(y=1 | x) = σ(θ·x + b). */
    public double probability(Vector x) {
        return sigmoid(margin(coefficients, intercept, x));
    }

    /** The logit z = θ·x + b. */
    public double margin(Vector x) {
        return margin(coefficients, intercept, x);
    }

    private static double margin(double[] c, double b, Vector x) {
        if (x.size() != c.length) {
            throw new IllegalArgumentException("features vector has " + x.size() + " entries, the model has " + c.length + " coefficients");
        }
        double z = b;
        if (x instanceof DenseVector) {
            double[] v = ((DenseVector) x).values();
            for (int j = 0; j < c.length; j++) z += c[j] * v[j];
        } else {
            double[] v = x.toArray();
            for (int j = 0; j < c.length; j++) z += c[j] * v[j];
        }
        return z;
    }

    /** Stable σ: never exp of a large positive number. */
    private static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        final double[] c = coefficients.clone();
        final double b = intercept;
        final double t = getThreshold();
        UserDefinedFunction raw = udf((UDF1<Vector, Vector>) x -> {
            double z = margin(c, b, x);
            return Vectors.dense(-z, z);
        }, SQLDataTypes.VectorType());
        UserDefinedFunction proba = udf((UDF1<Vector, Vector>) x -> {
            double p = sigmoid(margin(c, b, x));
            return Vectors.dense(1.0 - p, p);
        }, SQLDataTypes.VectorType());
        UserDefinedFunction predict = udf((UDF1<Vector, Double>) x -> sigmoid(margin(c, b, x)) > t ? 1.0 : 0.0, DataTypes.DoubleType);
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
        LogregClassificationModel m = new LogregClassificationModel(uid, coefficients, intercept, summary);
        return copyValues(m, extra).setParent(parent());
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
        return "LogregClassificationModel(uid=" + uid + ", features=" + coefficients.length + ", intercept=" + intercept + ")";
    }

    private static final StructType DATA_SCHEMA = new StructType()
            .add("intercept", DataTypes.DoubleType, false)
            .add("coefficients", SQLDataTypes.VectorType(), false);

    /** Metadata (params) as Spark's default writer writes it, then (intercept, coefficients) as Parquet. */
    private static final class Writer extends MLWriter {
        private final LogregClassificationModel model;

        Writer(LogregClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            Row row = RowFactory.create(model.intercept, Vectors.dense(model.coefficients));
            sparkSession().createDataFrame(List.of(row), DATA_SCHEMA).repartition(1).write().parquet(new Path(path, "data").toString());
        }
    }

    private static final class Reader extends MLReader<LogregClassificationModel> {
        @Override
        public LogregClassificationModel load(String path) {
            var metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), LogregClassificationModel.class.getName());
            Row row = sparkSession().read().parquet(new Path(path, "data").toString()).select("intercept", "coefficients").first();
            Vector c = row.getAs(1);
            LogregClassificationModel model = new LogregClassificationModel(metadata.uid(), c.toArray(), row.getDouble(0), null);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
