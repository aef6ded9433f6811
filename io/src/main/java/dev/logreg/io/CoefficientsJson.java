package dev.logreg.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;

/**
 * One row of coefficients in a model file, dense or sparse. Dense: a JSON array of n numbers (every format version).
 * Sparse (format version 3, {@link ModelFile#SPARSE_FORMAT_VERSION}): {@code {"indices": [j, ...], "values": [θⱼ, ...]}},
 * 0-based column indices strictly increasing in [0, n), the coefficients not listed 0, with n in the file's
 * {@code "features"} field. A model is written sparse where fewer than a third of its coefficients are nonzero (an L1
 * fit on hashed features, say): then a million features with a thousand nonzero coefficients take kilobytes, not
 * 20 MB. Stateless.
 */
final class CoefficientsJson {
    private CoefficientsJson() {}

    /** Whether {@code m} is written sparse: fewer than a third of its coefficients (all K rows) are nonzero. */
    static boolean sparse(LinearClassifier m) {
        long total = 0;
        long nonzero = 0;
        for (double[] row : rows(m)) {
            total += row.length;
            for (double v : row) if (v != 0) nonzero++;
        }
        return 3 * nonzero < total;
    }

    /** The coefficient rows of {@code m}: one for a binary model, K otherwise. */
    static double[][] rows(LinearClassifier m) {
        if (m instanceof LogisticModel b) return new double[][] {b.coefficients()};
        if (m instanceof SoftmaxModel s) return s.coefficients();
        OneVsRestModel o = (OneVsRestModel) m;
        double[][] w = new double[o.classes()][];
        for (int c = 0; c < w.length; c++) w[c] = o.model(c).coefficients();
        return w;
    }

    /** Writes {@code row} sparse into {@code o}: its nonzero coefficients' indices and values. */
    static void writeSparse(ObjectNode o, double[] row) {
        var indices = o.putArray("indices");
        var values = o.putArray("values");
        for (int j = 0; j < row.length; j++) {
            if (row[j] != 0) {
                indices.add(j);
                values.add(row[j]);
            }
        }
    }

    /**
     * Reads one row of {@code features} coefficients (0: the file has no {@code "features"} field, so the row must be
     * dense and gives the count).
     *
     * @param sparseAllowed whether the file's version allows the sparse form
     * @param name          the field, for messages ({@code coefficients[2]})
     * @throws IllegalArgumentException on a bad row, naming the field and the entry
     */
    static double[] read(JsonNode r, int features, boolean sparseAllowed, String name) {
        if (r.isArray()) {
            if (r.isEmpty()) throw new IllegalArgumentException("field \"" + name + "\" is not a non-empty array");
            if (features > 0 && r.size() != features) {
                throw new IllegalArgumentException("field \"" + name + "\" has " + r.size() + " coefficients, \"features\" says " + features);
            }
            double[] c = new double[r.size()];
            for (int j = 0; j < c.length; j++) c[j] = ModelFile.number(r.get(j), name + "[" + j + "]");
            return c;
        }
        if (!r.isObject()) throw new IllegalArgumentException("field \"" + name + "\" is " + ModelFile.show(r) + ", expected an array of coefficients");
        if (!sparseAllowed) {
            throw new IllegalArgumentException("field \"" + name + "\" is an object (sparse coefficients), which only format version "
                    + ModelFile.SPARSE_FORMAT_VERSION + " files hold");
        }
        if (features < 1) throw new IllegalArgumentException("field \"features\" is missing: sparse coefficients need the number of features");
        JsonNode idx = ModelFile.required(r, "indices");
        JsonNode val = ModelFile.required(r, "values");
        if (!idx.isArray() || !val.isArray() || idx.size() != val.size()) {
            throw new IllegalArgumentException("field \"" + name + "\" needs arrays \"indices\" and \"values\" of the same length");
        }
        double[] c = new double[features];
        long previous = -1;
        for (int k = 0; k < idx.size(); k++) {
            JsonNode i = idx.get(k);
            if (!i.canConvertToLong() || !i.isIntegralNumber()) {
                throw new IllegalArgumentException(name + ".indices[" + k + "] is " + ModelFile.show(i) + ", expected an integer");
            }
            long j = i.asLong();
            if (j < 0 || j >= features) throw new IllegalArgumentException(name + ".indices[" + k + "] is " + j + ", outside [0, " + features + ")");
            if (j <= previous) {
                throw new IllegalArgumentException(name + ".indices[" + k + "] is " + j + (j == previous ? ", repeated" : ", after " + previous)
                        + "; expected strictly increasing indices");
            }
            previous = j;
            c[(int) j] = ModelFile.number(val.get(k), name + ".values[" + k + "]");
        }
        return c;
    }

    /**
     * The {@code "features"} field of a version-3 file (0 where absent), refused where out of range or where the
     * coefficients of {@code rows} rows of that width would not fit the heap (a file of a few bytes must not ask for
     * gigabytes it then fails to get).
     */
    static int features(JsonNode root, int rows) {
        JsonNode f = root.get("features");
        if (f == null || f.isNull()) return 0;
        if (!f.isIntegralNumber() || !f.canConvertToLong() || f.asLong() < 1 || f.asLong() > LibsvmDataReader.MAX_FEATURES) {
            throw new IllegalArgumentException("field \"features\" is " + ModelFile.show(f) + ", expected an integer from 1 to " + LibsvmDataReader.MAX_FEATURES);
        }
        long bytes = 8L * f.asLong() * Math.max(1, rows);
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw new IllegalArgumentException("field \"features\" is " + f.asLong() + ": " + rows + " row(s) of coefficients would take " + bytes / (1 << 20)
                    + " MiB, more than half of this JVM's heap (" + heap / (1 << 20) + " MiB; raise -Xmx)");
        }
        return (int) f.asLong();
    }
}
