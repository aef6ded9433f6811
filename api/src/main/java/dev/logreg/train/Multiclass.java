package dev.logreg.train;

/**
 * How a model over K &gt; 2 classes is trained.
 *
 * <ul>
 *   <li>{@link #MULTINOMIAL}: one softmax model, K logits, every class's coefficients fitted together under one
 *       penalty (scikit-learn's default, glmnet's {@code family = "multinomial"}). With two classes it trains the
 *       softmax model over both (whose optimum under L2 λ is the binary model's under λ/2, θ = θ₂ − θ₁).</li>
 *   <li>{@link #ONE_VS_REST}: K binary models, class c against the rest, probabilities normalised as scikit-learn
 *       does ({@link dev.logreg.model.OneVsRestModel}). With two classes it is the binary model.</li>
 * </ul>
 * Where nothing is asked for, K &gt; 2 trains multinomial and K = 2 the binary model.
 */
public enum Multiclass {
    /** One softmax model over the K classes. */
    MULTINOMIAL,
    /** K binary models, each class against the rest. */
    ONE_VS_REST
}
