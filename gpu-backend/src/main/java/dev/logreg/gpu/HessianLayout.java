package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The shape of the device Hessian (hessian.cu) for a term of {@code rows} rows and {@code cols} device columns: 32 x 32
 * tiles of the upper triangle of x̃ x̃ᵀ (x̃ = the device's columns, then the intercept), and the row chunks whose
 * partial tiles are added in order. Shared by {@link CudaDataTerm} and {@link StreamedDataTerm}, so that both form
 * the same partial tiles over the same chunks: the streamed term launches the tiles kernel on whole chunks of each
 * streamed piece of X, their partials landing where one launch over all rows puts them (chunk-major), and the bits
 * are the same.
 *
 * @param tiles     tiles a side
 * @param pairs     tile pairs I ≤ J
 * @param width     doubles of one chunk's partial tiles (pairs x 1,024)
 * @param chunks    row chunks
 * @param chunkRows rows of a chunk (a multiple of 32; the last chunk shorter)
 */
record HessianLayout(int tiles, int pairs, long width, long chunks, long chunkRows) {
    /** Tile side of hessian.cu (LR_HESSIAN_TILE). */
    static final int TILE = 32;
    /** Bound on the Hessian's partial tiles (row chunks x tile pairs x 32 x 32 doubles). */
    private static final long PARTIAL_LIMIT = 256L << 20;

    /**
     * The layout for {@code rows} x {@code cols} on a device of {@code sms} multiprocessors: enough blocks (pairs x
     * chunks) to fill the device, within the partial buffer's bound; chunks of whole multiples of 32 rows (the kernel
     * stages 32 at a time). A function of the rows, the columns and the device alone.
     */
    static HessianLayout of(long rows, int cols, int sms) {
        int deviceDim = cols + 1;  // the device's x̃: cols columns (the padding zero), then the intercept
        int tiles = (deviceDim + TILE - 1) / TILE;
        int pairs = tiles * (tiles + 1) / 2;
        long width = (long) pairs * TILE * TILE;
        long maxChunks = Math.max(1, Math.min((rows + TILE - 1) / TILE, PARTIAL_LIMIT / (8 * width)));
        long wanted = Math.max(1, (8L * sms + pairs - 1) / pairs);
        long chunks = Math.min(maxChunks, wanted);
        long chunkRows = ((rows + chunks - 1) / chunks + TILE - 1) / TILE * TILE;
        chunks = (rows + chunkRows - 1) / chunkRows;
        return new HessianLayout(tiles, pairs, width, chunks, chunkRows);
    }

    /**
     * Launches the tiles kernel over {@code rows} rows of {@code x} (and their curvature {@code c}), which begin at a
     * chunk boundary: their chunks' partial tiles go from {@code partialAt} (the first chunk's slot) on.
     */
    void launchTiles(CudaBackend backend, CUdeviceptr x, CUdeviceptr c, long rows, int cols, CUdeviceptr partialAt) {
        long launchChunks = (rows + chunkRows - 1) / chunkRows;
        backend.launch(CudaKernels.HESSIAN_TILES, Math.toIntExact(pairs * launchChunks), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(x), Pointer.to(c), Pointer.to(new long[] {rows}), Pointer.to(new int[] {cols}),
                Pointer.to(new int[] {tiles}), Pointer.to(new long[] {chunkRows}), Pointer.to(partialAt)));
    }

    /**
     * Writes the (n+1)×(n+1) Hessian into {@code result} from the reduced tile sums: each entry over {@code m} (Σ w),
     * mirrored; all zero where m is 0. Device column j is feature j below n, the intercept at {@code cols}, padding
     * otherwise.
     */
    void unpack(double[] sums, int n, int cols, double m, double[] result) {
        int d = n + 1;
        int tileDoubles = TILE * TILE;
        int pair = 0;
        for (int ti = 0; ti < tiles; ti++) {
            for (int tj = ti; tj < tiles; tj++, pair++) {
                for (int a = 0; a < TILE; a++) {
                    int r = featureIndex(ti * TILE + a, n, cols);
                    if (r < 0) continue;
                    // In a diagonal tile only a ≤ b: (c x̃_a) x̃_b with the smaller index first, as in the other tiles.
                    for (int b = ti == tj ? a : 0; b < TILE; b++) {
                        int c = featureIndex(tj * TILE + b, n, cols);
                        if (c < 0) continue;
                        double v = m > 0 ? sums[pair * tileDoubles + TILE * a + b] / m : 0.0;
                        result[r * d + c] = v;
                        result[c * d + r] = v;
                    }
                }
            }
        }
    }

    /** The index in x̃ = (x, 1) of the device's column {@code j}: j below n, n for the intercept (cols), -1 otherwise. */
    private static int featureIndex(int j, int n, int cols) {
        return j < n ? j : j == cols ? n : -1;
    }
}
