package dev.logreg.cpu;

/**
 * How a sparse term cuts a row range into segments and where Xᵀr is summed: the rules of {@link SparseDataTerm},
 * in one place, each depending on the data's shape and the row range alone, never on the thread count (so the bits
 * do not either).
 *
 * <ul>
 *   <li><b>Segments.</b> A range's work is its nonzeros plus {@link #ROW_WORK} a row (the loss's exp and log cost
 *       about as much as eight nonzeros), times K for the multinomial loss. It is cut into at most
 *       {@link #MAX_SEGMENTS} segments of at least {@link #MIN_SEGMENT_WORK} each, at rows chosen so that the
 *       segments' work is about equal; each segment is summed in row order by one thread into its own partial, and
 *       partials are added in segment order.</li>
 *   <li><b>Gradient partials</b> (the default): each segment scatters rᵢxᵢ into its own dense float64 partial,
 *       merged column range by column range in segment order: 2n doubles (16·n bytes: θ and the gradient
 *       interleaved, see {@link SparseKernel}) for the binary losses, K·n (8·K·n bytes) for the multinomial loss.
 *       Filling and merging S partials streams them twice, so a segment carries at least {@link #MERGE_SHARE} times
 *       its partial's length in work, and at most {@code partialBudget / partial bytes} partials exist
 *       ({@link #DEFAULT_PARTIAL_BUDGET}: 256 MiB). A binary range of one segment with fewer than 2n nonzeros
 *       accumulates straight into the caller's gradient, with no extra memory (a mini-batch over many features).</li>
 *   <li><b>Column-major copy</b> ({@link ColumnMajor}, 8 bytes a nonzero) where fewer than {@link #MIN_PARTIALS}
 *       partials fit the budget (n above about 4·10⁶ for the binary losses) and the whole data would want more: the
 *       residuals of a pass are computed row-parallel (8·K bytes a row), then Xᵀr column-parallel. Used for the full
 *       row range and for ranges of at least n·log₂(rows) nonzeros (a smaller range pays more for finding its rows
 *       in each column than for one serial pass).</li>
 * </ul>
 */
final class SparseLayout {
    private SparseLayout() {}

    static final int MAX_SEGMENTS = 64;
    /** Least work per segment (about 50 µs), so that small ranges (mini-batches) run on the caller's thread. */
    static final long MIN_SEGMENT_WORK = 1L << 16;
    /** A row's fixed cost (label, weight, one exp and one log) in nonzeros. */
    static final long ROW_WORK = 8;
    /**
     * Least work per segment as a multiple of its partial's length: filling and merging a partial streams it twice,
     * a few per cent of the segment's random accesses at this share.
     */
    static final long MERGE_SHARE = 2;
    /** Default bytes of gradient partials a term may hold (Java heap). */
    static final long DEFAULT_PARTIAL_BUDGET = 256L << 20;
    /** Fewer partials than this within the budget, and the data wanting more: the column-major copy is made. */
    static final int MIN_PARTIALS = 4;
    /** Largest Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Rows [from, to)'s work in nonzeros (+ ROW_WORK a row), before the factor K. */
    static long work(CsrRows rows, long from, long to) {
        return rows.nonzerosBefore(to) - rows.nonzerosBefore(from) + ROW_WORK * (to - from);
    }

    /** Segments a pass that scatters nothing (value, margins, the residual pass before Xᵀr) cuts [from, to) into. */
    static int segments(long work, int k) {
        long w = Math.multiplyExact(work, (long) k);
        return (int) Math.max(1, Math.min(MAX_SEGMENTS, w / MIN_SEGMENT_WORK));
    }

    /**
     * Doubles in one segment's gradient partial: 2n for the binary losses (θ and the gradient interleaved,
     * {@link SparseKernel}), K·n for the multinomial loss.
     */
    static long partialDoubles(int n, int k) {
        return k == 1 ? 2L * n : (long) k * n;
    }

    /** Gradient partials that fit {@code budget} bytes (at most {@link #MAX_SEGMENTS}). */
    static int partialsThatFit(long budget, int n, int k) {
        return (int) Math.min(MAX_SEGMENTS, budget / (8 * partialDoubles(n, k)));
    }

    /**
     * Segments a scattering pass over work {@code work} cuts into where it uses gradient partials: a segment's work
     * (times K) is at least {@link #MERGE_SHARE} times its partial's length, since each partial is filled and merged
     * once a pass.
     */
    static int partialSegments(long work, int n, int k, int maxPartials) {
        long merge = Math.max(1, Math.multiplyExact(work, (long) k) / (MERGE_SHARE * partialDoubles(n, k)));
        return (int) Math.max(1, Math.min(Math.min(segments(work, k), merge), Math.max(1, maxPartials)));
    }

    /** Whether a term over {@code rows} with K outputs gets the column-major copy (see the class comment). */
    static boolean wantsColumnMajor(CsrRows rows, int k, long partialBudget) {
        int fit = partialsThatFit(partialBudget, rows.cols, k);
        if (fit >= MIN_PARTIALS) return false;
        if (Math.multiplyExact(rows.rows, (long) k) > MAX_ARRAY) return false;  // the residuals are one Java array
        long all = work(rows, 0, rows.rows);
        return partialSegments(all, rows.cols, k, MAX_SEGMENTS) > Math.max(1, fit);
    }

    /** Whether a scattering pass over [from, to) uses the column-major copy (where there is one). */
    static boolean useColumnMajor(CsrRows rows, long from, long to, int k) {
        long work = work(rows, from, to);
        if (segments(work, k) < 2) return false;
        if (from == 0 && to == rows.rows) return true;
        long nonzeros = rows.nonzerosBefore(to) - rows.nonzerosBefore(from);
        return nonzeros >= (long) rows.cols * (64 - Long.numberOfLeadingZeros(rows.rows));
    }

    /**
     * Row boundaries of {@code segments} segments of [from, to) with about equal work: bounds[0] = from,
     * bounds[segments] = to, non-decreasing.
     */
    static long[] bounds(CsrRows rows, long from, long to, int segments) {
        long[] b = new long[segments + 1];
        b[0] = from;
        b[segments] = to;
        long start = position(rows, from);
        long total = position(rows, to) - start;
        for (int s = 1; s < segments; s++) {
            long target = start + total * s / segments;  // total < 2^57, s < 64: no overflow
            long lo = b[s - 1];
            long hi = to;
            while (lo < hi) {  // the first row whose position reaches the target
                long mid = (lo + hi) >>> 1;
                if (position(rows, mid) >= target) hi = mid; else lo = mid + 1;
            }
            b[s] = lo;
        }
        return b;
    }

    /** A row's position on the work axis: nonzeros before it plus ROW_WORK per row before it. */
    private static long position(CsrRows rows, long row) {
        return rows.nonzerosBefore(row) + ROW_WORK * row;
    }
}
