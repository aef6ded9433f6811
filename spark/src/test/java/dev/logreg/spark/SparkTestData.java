package dev.logreg.spark;

import dev.logreg.data.Dataset;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: a logreg {@link Dataset} as a Spark DataFrame (features vector, label, optional weight). */
final class SparkTestData {
    private SparkTestData() {}

    /** The shared local[2] session settings of the spark tests (small, quiet, fast). */
    static SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("logreg-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    /** {@code data} as a DataFrame of (features vector, label double[, weight double]) in {@code partitions} partitions. */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data, int partitions, boolean withWeights) {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        if (withWeights) schema = schema.add("weight", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        int n = data.cols();
        double[] v = new double[n];
        for (long i = 0; i < data.rows(); i++) {
            for (int j = 0; j < n; j++) v[j] = data.feature(i, j);
            rows.add(withWeights
                    ? RowFactory.create(Vectors.dense(v.clone()), (double) data.label(i), (double) data.weight(i))
                    : RowFactory.create(Vectors.dense(v.clone()), (double) data.label(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
    }

    /**
     * {@code data} as a DataFrame as {@link #frame}, but the features of every row i with {@code sparseRow.test(i)} a
     * {@link org.apache.spark.ml.linalg.SparseVector} of the row's stored entries (a sparse dataset's CSR entries, a
     * dense one's nonzeros), the others a DenseVector.
     */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset data, int partitions, boolean withWeights,
                                                   java.util.function.LongPredicate sparseRow) {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        if (withWeights) schema = schema.add("weight", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        int n = data.cols();
        float[] x = new float[n];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, x);
            Vector v;
            if (sparseRow.test(i)) {
                int count = 0;
                for (float f : x) if (f != 0f) count++;
                int[] idx = new int[count];
                double[] val = new double[count];
                for (int j = 0, k = 0; j < n; j++) {
                    if (x[j] != 0f) {
                        idx[k] = j;
                        val[k++] = x[j];
                    }
                }
                v = Vectors.sparse(n, idx, val);
            } else {
                double[] d = new double[n];
                for (int j = 0; j < n; j++) d[j] = x[j];
                v = Vectors.dense(d);
            }
            rows.add(withWeights ? RowFactory.create(v, (double) data.label(i), (double) data.weight(i))
                    : RowFactory.create(v, (double) data.label(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
    }

    /**
     * A seeded sparse (CSR) dataset shaped like hashed text features: 0 to 12 stored entries a row (empty rows
     * included), columns drawn with a power law (low columns frequent, many never stored), indicator values 1 in even
     * columns and scaled Gaussians about a column-dependent mean in odd ones; labels from a random linear model
     * ({@code classes} logits, Gumbel noise for K &gt; 2, a Bernoulli draw for 2); weights in [0.5, 2.5) with every
     * 97th row 0 where {@code weighted}.
     */
    static Dataset sparseSet(int rows, int cols, int classes, boolean weighted, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int outputs = classes == 2 ? 1 : classes;
        double[][] theta = new double[outputs][cols + 1];
        for (double[] t : theta) for (int j = 0; j <= cols; j++) t[j] = 1.5 * gaussian(rng);
        dev.logreg.data.SparseBuilder b = Dataset.sparseBuilder(cols).classes(classes);
        int[] idx = new int[12];
        float[] val = new float[12];
        for (int i = 0; i < rows; i++) {
            java.util.TreeSet<Integer> picked = new java.util.TreeSet<>();
            int want = rng.nextInt(13);
            while (picked.size() < want) picked.add((int) (cols * Math.pow(rng.nextDouble(), 3)));
            int count = 0;
            for (int j : picked) {
                idx[count] = j;
                val[count++] = j % 2 == 0 ? 1f : (float) (0.5 * (j % 5) + (1 + j % 3) * gaussian(rng));
            }
            double[] z = new double[outputs];
            for (int c = 0; c < outputs; c++) {
                z[c] = theta[c][cols];
                for (int k = 0; k < count; k++) z[c] += theta[c][idx[k]] * val[k];
            }
            float label;
            if (classes == 2) {
                label = rng.nextDouble() < 1 / (1 + Math.exp(-z[0])) ? 1f : 0f;
            } else {
                int best = 0;
                double top = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double g = z[c] - Math.log(-Math.log(1 - rng.nextDouble())); // Gumbel noise: a softmax draw
                    if (g > top) {
                        top = g;
                        best = c;
                    }
                }
                label = best;
            }
            float weight = i % 97 == 0 ? 0f : (float) (0.5 + 2 * rng.nextDouble());
            b.addRow(idx, val, count, label, weight, weighted);
        }
        return b.build();
    }

    /** A standard normal draw (Box-Muller). */
    private static double gaussian(java.util.SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
