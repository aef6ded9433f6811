package dev.logreg.spark;

import dev.logreg.data.Dataset;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
}
