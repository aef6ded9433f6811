package dev.logreg;

import dev.logreg.loss.Loss;
import dev.logreg.train.Multiclass;

/** How a {@link LogisticRegression} fit on data of K classes trains, from its loss and multiclass setting. */
enum FitStrategy {
    BINARY, MULTINOMIAL, ONE_VS_REST;

    /**
     * The strategy for data of {@code classes} classes under {@code loss} and {@code multiclass} (null: the default,
     * see {@link LogisticRegression.Builder#multiclass}).
     *
     * @throws IllegalArgumentException where the loss cannot train that strategy (one-vs-rest with the multinomial
     *                                  loss, a multinomial fit with a binary loss)
     */
    static FitStrategy of(Loss loss, Multiclass multiclass, int classes) {
        boolean multinomialLoss = loss.kind() == Loss.Kind.MULTINOMIAL;
        if (multiclass == Multiclass.ONE_VS_REST) {
            if (multinomialLoss) throw new IllegalArgumentException("one-vs-rest trains binary models, but the loss is multinomial: use the log loss");
            return classes == 2 ? BINARY : ONE_VS_REST;
        }
        if (multiclass == Multiclass.MULTINOMIAL || multinomialLoss || classes > 2) {
            Loss.Kind kind = loss.kind();
            if (kind == Loss.Kind.MSE || kind == Loss.Kind.SQUARED_HINGE || kind == Loss.Kind.HINGE) {
                throw new IllegalArgumentException("the " + loss + " loss is binary, but a " + classes + "-class multinomial fit was asked for: use the log loss");
            }
            return MULTINOMIAL;
        }
        return BINARY;
    }

    /** The multiclass setting that runs this strategy ({@link dev.logreg.train.CrossValidation#run}); null for binary. */
    Multiclass multiclass() {
        return this == MULTINOMIAL ? Multiclass.MULTINOMIAL : this == ONE_VS_REST ? Multiclass.ONE_VS_REST : null;
    }
}
