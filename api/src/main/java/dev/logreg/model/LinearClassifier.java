package dev.logreg.model;

import dev.logreg.data.Dataset;

import java.util.List;

/**
 * A trained linear classifier over K ≥ 2 classes, whatever its link: what the command line, the scoring server and
 * Spark need to score rows without knowing how the model was trained.
 *
 * <ul>
 *   <li>{@link LogisticModel}: the binary model, one logit z = θ·x + b, P(class 1) = σ(z) (two classes).</li>
 *   <li>{@link SoftmaxModel}: the multinomial model, K logits, P = softmax(z).</li>
 *   <li>{@link OneVsRestModel}: K binary models, P(c) = σ(z_c) / Σ_e σ(z_e) (scikit-learn's normalisation).</li>
 * </ul>
 * Sealed so that a model file writer or a server can handle every kind exhaustively. Implementations are immutable
 * and thread-safe; single-row scoring writes into the caller's array and allocates nothing.
 *
 * <p>Why an interface over three classes rather than one model with a link (an option weighed in the design notes):
 * the binary {@link LogisticModel} keeps its scoring, bit for bit, and its API; it implements this interface through
 * its own binary methods, so a binary row scores the same through either. The interface is deliberately small (what
 * every caller needs to score); per-kind detail (coefficients, batch scoring) lives on the classes.
 */
public sealed interface LinearClassifier permits LogisticModel, SoftmaxModel, OneVsRestModel {
    /** Number of features a row must have. */
    int features();

    /** Number of classes K (2 for the binary model). */
    int classes();

    /** Whether the intercepts were learned (else they are 0). */
    boolean fitIntercept();

    /** One name per feature, or {@code null}. Unmodifiable. */
    List<String> featureNames();

    /**
     * The K class probabilities of one row into {@code out[0 .. K-1]} (they sum to 1 up to rounding).
     *
     * @throws IllegalArgumentException on a row of the wrong width, {@code out} shorter than K, or a row whose score
     *                                  is NaN (a NaN feature, say)
     */
    void predictProbabilities(float[] row, double[] out);

    /** The most probable class of one row, in [0, K) (the lowest index among ties). */
    int predictClass(float[] row);

    /**
     * The K class probabilities of one sparse row into {@code out[0 .. K-1]}: its nonzeros are
     * {@code indices[0 .. count-1]} (column indices in [0, {@link #features()}), strictly increasing) and
     * {@code values[0 .. count-1]}, every other feature 0. The same bits as the row held dense.
     *
     * @throws IllegalArgumentException on indices out of range, unsorted or repeated, {@code out} shorter than K, or a
     *                                  row whose score is NaN
     */
    void predictProbabilities(int[] indices, float[] values, int count, double[] out);

    /** The most probable class of one sparse row (see {@link #predictProbabilities(int[], float[], int, double[])}). */
    int predictClass(int[] indices, float[] values, int count);

    /** The class probabilities of every row of {@code data} (dense or sparse), row-major: {@code result[i·K + c]}. */
    double[] predictProbabilities(Dataset data);

    /** The most probable class of every row of {@code data}. */
    int[] predictClasses(Dataset data);
}
