package dev.logreg.backend;

import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.Objects;

/**
 * The shape of a parameter vector: {@code outputs} linear functions of {@code features} features, each with an
 * intercept, laid out class-major in one {@code double[]} of {@link #length()} = outputs·(features + 1):
 * <pre>
 *   [ θ₁₁ … θ₁ₙ b₁ | θ₂₁ … θ₂ₙ b₂ | … | θ_K1 … θ_Kn b_K ]
 * </pre>
 * The binary model has one output (its single logit, the layout logreg always had: θ₁..θₙ, then b); the multinomial
 * (softmax) model has one output per class.
 *
 * <p>Why class-major with the intercept last in each slice: every slice is exactly the binary layout, so the penalty,
 * the preconditioner, the model rows and every check written for n + 1 parameters apply to it one slice at a time,
 * and a binary vector is the K = 1 case with no change. (A feature-major layout, cuML's, keeps a feature's K
 * coefficients side by side, which suits sparse gathers; a backend may transpose on upload, at O(K·n) per evaluation.)
 *
 * @param outputs  number of logits per row: 1 for the binary losses, K for the multinomial loss over K classes
 * @param features number of features n, at least 1
 */
public record ParamShape(int outputs, int features) {
    /**
     * Largest {@link #length()} for which a softmax data term computes its Hessian (Newton's method): 2,048. At that
     * size the Hessian is 2,048² doubles (32 MiB), its Cholesky factor about 2.9·10⁹ multiply-adds (seconds per Newton
     * step on one core), and the reference backend's Hessian pass m·d²/2 multiply-adds; beyond it L-BFGS and OWL-QN
     * are the methods that scale.
     */
    public static final int MAX_HESSIAN_LENGTH = 2048;

    public ParamShape {
        if (outputs < 1) throw new IllegalArgumentException("outputs is " + outputs + ", expected at least 1");
        if (features < 1) throw new IllegalArgumentException("features is " + features + ", expected at least 1");
        long len = (long) outputs * ((long) features + 1);
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(outputs + " outputs x (" + features + " features + 1) = " + len
                    + " parameters, more than one Java array holds");
        }
    }

    /**
     * The shape of {@code loss} over {@code data}: one output for the binary losses (log loss, MSE), which need the
     * data's labels to be 0 or 1 ({@code data.classes() == 2}); {@code data.classes()} outputs for the multinomial loss.
     *
     * @throws IllegalArgumentException where a binary loss meets data with more than two classes
     */
    public static ParamShape of(Dataset data, Loss loss) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        if (loss.kind() == Loss.Kind.MULTINOMIAL) return new ParamShape(data.classes(), data.cols());
        if (data.classes() != 2) {
            throw new IllegalArgumentException("the " + loss.kind() + " loss is binary (labels 0 or 1), but the data have " + data.classes()
                    + " classes: use the multinomial loss (Loss.multinomial()) or one-vs-rest");
        }
        return new ParamShape(1, data.cols());
    }

    /**
     * For a backend whose kernels compute the binary losses only: the one-output shape of {@code loss} over
     * {@code data}, or an {@link IllegalArgumentException} naming the backend and the way out where the loss is
     * multinomial (or the data have more than two classes).
     *
     * @param backend the backend's name, for the message
     */
    public static ParamShape requireBinary(String backend, Dataset data, Loss loss) {
        Objects.requireNonNull(loss, "loss");
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("the multinomial loss is not yet implemented on the " + backend
                    + " backend; use the reference backend (--backend reference, BackendChoice.REFERENCE), or one-vs-rest");
        }
        return of(data, loss);
    }

    /**
     * For a backend whose native kernels know the log loss, MSE (and, where implemented, the multinomial loss) but
     * not the support-vector losses: refuses {@link Loss.Kind#SQUARED_HINGE} and {@link Loss.Kind#HINGE} by name, so
     * that a kernel never computes another loss in their place.
     *
     * @param backend the backend's name, for the message
     */
    public static void refuseHinge(String backend, Loss loss) {
        Objects.requireNonNull(loss, "loss");
        if (loss.kind() == Loss.Kind.SQUARED_HINGE) {
            throw new IllegalArgumentException("the squared hinge loss is not implemented on the " + backend
                    + " backend; use the reference backend (--backend reference, BackendChoice.REFERENCE)");
        }
        if (loss.kind() == Loss.Kind.HINGE) {
            throw new IllegalArgumentException("the hinge loss is not differentiable and is never bound to a backend: it is trained by"
                    + " dual coordinate descent on the host (Trainer.fit, LogisticRegression with Loss.hinge())");
        }
    }

    /** Parameters per output: features + 1 (the intercept last). */
    public int stride() { return features + 1; }

    /** outputs·(features + 1): the length of a parameter or gradient vector. */
    public int length() { return outputs * (features + 1); }

    /** Index of coefficient {@code feature} of output {@code output}. */
    public int index(int output, int feature) { return output * (features + 1) + feature; }

    /** Index of the intercept of output {@code output}. */
    public int interceptIndex(int output) { return output * (features + 1) + features; }

    /** Whether entry {@code i} of a parameter vector is an intercept (never penalized). */
    public boolean isIntercept(int i) { return i % (features + 1) == features; }

    /**
     * Checks that {@code values} has {@link #length()} entries.
     *
     * @param what the array's name for the message ({@code "params"}, {@code "gradientOut"})
     * @throws IllegalArgumentException naming the array, its length and the expected one
     */
    public void check(double[] values, String what) {
        Objects.requireNonNull(values, what);
        if (values.length != length()) {
            throw new IllegalArgumentException(what + " has length " + values.length + ", expected " + describe());
        }
    }

    /** "features + 1 = 31" or "3 classes x (features + 1) = 93", for messages. */
    public String describe() {
        return outputs == 1 ? "features + 1 = " + length() : outputs + " classes x (features + 1) = " + length();
    }

    /**
     * Subtracts, for each flat coordinate j ({@code flat[j]}, j &lt; {@link #stride()}; see
     * {@link dev.logreg.objective.LogisticObjective#flatCoordinates}), the mean over the classes of parameter j of
     * {@code params} (in this shape's layout): the softmax and the penalty are unchanged, and the result is the
     * representative whose classes sum to zero there (the one L-BFGS reaches from zero; also MLlib's convention for
     * its multinomial intercepts). One rule for the single-machine trainer and the Spark estimator.
     */
    public void centerAcrossClasses(double[] params, boolean[] flat) {
        check(params, "params");
        for (int j = 0; j < flat.length; j++) {
            if (!flat[j]) continue;
            double mean = 0;
            for (int c = 0; c < outputs; c++) mean += params[c * stride() + j];
            mean /= outputs;
            for (int c = 0; c < outputs; c++) params[c * stride() + j] -= mean;
        }
    }

    /** Whether a backend computes the Hessian of this shape: {@link #length()} ≤ {@link #MAX_HESSIAN_LENGTH}. */
    public boolean hessianFits() {
        return length() <= MAX_HESSIAN_LENGTH;
    }

    /**
     * Checks that {@link #hessianFits()}; the one refusal every backend's multinomial term gives beyond the bound.
     *
     * @throws UnsupportedOperationException where the Hessian is not computed, naming the shape, the bound and what to use
     */
    public void requireHessianFits() {
        if (!hessianFits()) {
            throw new UnsupportedOperationException("the multinomial Hessian over " + describe() + " parameters is not computed (the bound is "
                    + MAX_HESSIAN_LENGTH + "): use lbfgs or owlqn");
        }
    }
}
