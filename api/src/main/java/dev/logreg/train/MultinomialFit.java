package dev.logreg.train;

import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.model.SoftmaxModel;

import java.nio.FloatBuffer;
import java.util.List;

/** What {@link Trainer} does after a multinomial optimization: the canonical representative, the model, separability. */
final class MultinomialFit {
    private MultinomialFit() {}

    /** The softmax model of parameters in the layout of {@code shape}. */
    static SoftmaxModel model(double[] params, ParamShape shape, boolean fitIntercept, List<String> featureNames) {
        int k = shape.outputs();
        int n = shape.features();
        double[][] w = new double[k][n];
        double[] b = new double[k];
        for (int c = 0; c < k; c++) {
            System.arraycopy(params, shape.index(c, 0), w[c], 0, n);
            b[c] = fitIntercept ? params[shape.interceptIndex(c)] : 0.0;
        }
        return new SoftmaxModel(w, b, fitIntercept, featureNames);
    }

    /**
     * Whether {@code model} separates the data: every row of positive weight has its own class's logit strictly above
     * every other class's, so that scaling W and b up lowers the loss without end. One host pass after training.
     */
    static boolean separates(SoftmaxModel model, Dataset data) {
        int k = model.classes();
        double[][] w = model.coefficients();
        double[] z = new double[k];
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) {
                if (block.weight(i) == 0f) continue;
                // The logits from the block in place: a sparse row costs its nonzeros, never a dense copy of it.
                for (int c = 0; c < k; c++) z[c] = model.intercept(c) + block.dot(i, w[c], 0);
                int label = (int) y.get(i);
                for (int c = 0; c < k; c++) {
                    if (c != label && !(z[label] > z[c])) return false;
                }
            }
        }
        return true;
    }
}
