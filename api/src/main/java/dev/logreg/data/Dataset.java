package dev.logreg.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Immutable training or scoring data: dense row-major float32 features, labels, optional non-negative sample
 * weights and optional feature names.
 *
 * <p><b>Classes.</b> A dataset knows its number of classes K ({@link #classes()}, at least 2). Binary data (K = 2, what
 * every factory makes unless told otherwise) have labels 0 or 1, as always. K-class data have labels that are class
 * indices 0..K−1, stored as exact integers in the same float label buffers (exact up to {@link #MAX_CLASSES}); K is
 * stated by the caller ({@link #withClasses}, {@link Builder#classes}, the {@code classes} argument of {@link #wrap}
 * and {@link #fromRows}), never inferred from the labels present, so that a subset missing a class (a
 * cross-validation fold, say) still knows the class exists and training can refuse it by name. Mapping the labels a
 * file holds (strings, arbitrary numbers) to indices is the reader's business.
 *
 * <p>Rows are counted with a {@code long}. The features are held in one or more {@link RowBlock}s, each at most
 * {@link #DEFAULT_BLOCK_CAPACITY} floats (a Java array or buffer is indexed by {@code int}), so a dataset may hold
 * more than 2<sup>31</sup> values. Backends read the blocks directly.
 *
 * <p>Everything is validated once, here: a NaN or infinite feature, a label other than 0 or 1 (binary) or other than an
 * integer in [0, K) (K classes), a negative or
 * non-finite weight, all-zero weights, zero rows or zero columns, or arrays of the wrong length throw an
 * {@link IllegalArgumentException} naming the row and column at fault. Factories that wrap caller arrays
 * ({@link #wrap}) do not copy them; the caller must not modify them afterwards.
 *
 * <p>Memory: {@link #wrap} keeps the caller's arrays or buffers (heap arrays stay on the heap); {@link #builder},
 * {@link #fromRows} and the readers built on them hold the rows in direct, native-order buffers outside the heap, which
 * a backend may read in place (see {@link Builder} for why, and for the {@code -XX:MaxDirectMemorySize} limit);
 * {@link #concat} shares its parts' buffers.
 *
 * <p>With sample weights, the "m" of every mean in the objective is the weight sum Σwᵢ, not the row count.
 *
 * <p>Thread-safe.
 */
public final class Dataset {
    /** Largest number of floats in one block of features: 2^28 floats, 1 GiB. */
    public static final int DEFAULT_BLOCK_CAPACITY = 1 << 28;

    /** Most classes a dataset may have: 2^24, the largest count whose class indices a float label holds exactly. */
    public static final int MAX_CLASSES = 1 << 24;

    private final List<RowBlock> blocks;
    private final long rows;
    private final int cols;
    private final boolean weighted;
    private final double weightSum;
    private final List<String> featureNames;
    private final int classes;
    private final boolean sparse;
    private final long nonzeros;
    /** The column sums the validating pass gathered over exactly these rows and weights, or null. */
    private final ColumnSums columnSums;

    Dataset(List<RowBlock> blocks, int cols, boolean weighted, List<String> featureNames, int classes) {
        this(blocks, cols, weighted, featureNames, classes, null);
    }

    /** @param columnSums the {@link ColumnSums} of these blocks' features and weights, or null where not gathered */
    Dataset(List<RowBlock> blocks, int cols, boolean weighted, List<String> featureNames, int classes, ColumnSums columnSums) {
        Validation.checkClasses(classes);
        this.columnSums = columnSums;
        this.classes = classes;
        this.blocks = List.copyOf(blocks);
        this.cols = cols;
        this.weighted = weighted;
        BlockTotals totals = BlockTotals.of(this.blocks, weighted);
        this.rows = totals.rows();
        this.sparse = totals.sparse();
        this.nonzeros = totals.nonzeros();
        this.weightSum = totals.weightSum();
        this.featureNames = Validation.featureNames(featureNames, cols);
    }

    /**
     * Wraps a row-major feature array without copying. {@code features.length} must be {@code labels.length * cols}.
     *
     * @param features row-major float32 features; not copied, not to be modified afterwards
     * @param cols     number of features per row, at least 1
     * @param labels   one label per row, each 0 or 1
     * @param weights  one non-negative weight per row, or {@code null} for unit weights
     */
    public static Dataset wrap(float[] features, int cols, float[] labels, float[] weights) {
        return wrap(features, cols, labels, weights, 2);
    }

    /**
     * As {@link #wrap(float[], int, float[], float[])} for data of {@code classes} classes: each label a class index,
     * an integer in [0, classes) (0 or 1 where {@code classes} is 2).
     *
     * @param classes K, in [2, {@link #MAX_CLASSES}]
     */
    public static Dataset wrap(float[] features, int cols, float[] labels, float[] weights, int classes) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        return wrap(FloatBuffer.wrap(features), cols, FloatBuffer.wrap(labels), weights == null ? null : FloatBuffer.wrap(weights), null, classes);
    }

    /**
     * Wraps buffers without copying (heap or direct). Each buffer is read from position 0 to its limit.
     * The rows must fit one block ({@code labels.limit() * cols <= Integer.MAX_VALUE}); larger data goes through
     * {@link #builder(int)}.
     */
    public static Dataset wrap(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, List<String> featureNames) {
        return wrap(features, cols, labels, weights, featureNames, 2);
    }

    /**
     * As {@link #wrap(FloatBuffer, int, FloatBuffer, FloatBuffer, List)} for data of {@code classes} classes (labels
     * integers in [0, classes)).
     */
    public static Dataset wrap(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, List<String> featureNames, int classes) {
        return DenseRows.wrap(features, cols, labels, weights, featureNames, classes, true);
    }

    /**
     * As {@link #wrap(FloatBuffer, int, FloatBuffer, FloatBuffer, List, int)}, gathering the {@link #columnSums()}
     * while validating only where {@code gatherColumnSums}: data that will only be scored skip their arithmetic
     * (about 0.1 CPU-seconds a 400 MB pass on a cold JVM).
     */
    public static Dataset wrap(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, List<String> featureNames, int classes,
                               boolean gatherColumnSums) {
        return DenseRows.wrap(features, cols, labels, weights, featureNames, classes, gatherColumnSums);
    }

    /**
     * Blocks of rows end to end as one dataset, without copying: block k is {@code features.get(k)},
     * {@code labels.get(k)} and {@code weights.get(k)} ({@code weights} null: unit weights), each buffer read from
     * position 0 to its limit; empty blocks are left out. As {@link #concat} of each wrapped, except that a block may
     * weigh nothing (as long as some row weighs) and the validating read gathers the {@link #columnSums()} across the
     * blocks, the bits the statistics' own pass gives over them: what a reader that parses into a buffer per piece wants.
     *
     * @throws IllegalArgumentException as {@link #wrap} does, naming the dataset's row, or the block of a bad shape
     */
    public static Dataset wrapBlocks(List<FloatBuffer> features, int cols, List<FloatBuffer> labels, List<FloatBuffer> weights,
                                     List<String> featureNames, int classes, boolean gatherColumnSums) {
        return DenseRows.wrapBlocks(features, cols, labels, weights, featureNames, classes, gatherColumnSums, null);
    }

    /**
     * Wraps features that are the memory-mapped pages of {@code file} (a direct buffer from
     * {@link java.nio.channels.FileChannel#map}) as one block, without copying, with unit weights: as
     * {@link #wrap(FloatBuffer, int, FloatBuffer, FloatBuffer, List, int)} (validated once, here: this reads every
     * page), and the block remembers the file ({@link RowBlock#mappedFile()}) so that backends check it before each
     * pass ({@link #checkMappedFiles()}).
     */
    public static Dataset wrapMapped(FloatBuffer features, int cols, FloatBuffer labels, int classes, MappedFile file) {
        return DenseRows.wrapMapped(features, cols, labels, classes, file, true);
    }

    /** As {@link #wrapMapped(FloatBuffer, int, FloatBuffer, int, MappedFile)}, gathering the column sums only where asked. */
    public static Dataset wrapMapped(FloatBuffer features, int cols, FloatBuffer labels, int classes, MappedFile file, boolean gatherColumnSums) {
        return DenseRows.wrapMapped(features, cols, labels, classes, file, gatherColumnSums);
    }

    /**
     * A file larger than one block: consecutive mapped pieces of {@code file} as {@link #wrapMapped(FloatBuffer, int,
     * FloatBuffer, int, MappedFile, boolean)} wraps one, the column sums gathered across them as {@link #wrapBlocks}.
     */
    public static Dataset wrapMapped(List<FloatBuffer> features, int cols, List<FloatBuffer> labels, int classes, MappedFile file,
                                     boolean gatherColumnSums) {
        Objects.requireNonNull(file, "file");
        return DenseRows.wrapBlocks(features, cols, labels, null, null, classes, gatherColumnSums, file);
    }

    /**
     * Checks every file whose mapped pages hold some of these rows ({@link MappedFile#checkUnchanged()}): throws an
     * {@link IllegalStateException} naming a file truncated or modified since it was mapped. Returns at once for
     * rows in memory. A system call or two per file: what a backend does before each pass over mapped rows.
     */
    public void checkMappedFiles() {
        MappedFile last = null;
        for (RowBlock b : blocks) {
            MappedFile f = b.mappedFile();
            if (f != null && f != last) f.checkUnchanged();
            last = f == null ? last : f;
        }
    }

    /** Whether some rows are the pages of a memory-mapped file ({@link RowBlock#mappedFile()}). */
    public boolean isMapped() {
        for (RowBlock b : blocks) {
            if (b.mappedFile() != null) return true;
        }
        return false;
    }

    /**
     * Wraps sparse rows in CSR form without copying: row i's nonzeros are entries {@code rowOffsets[i] ..
     * rowOffsets[i+1]-1} of {@code indices} (column indices in [0, cols), strictly increasing within a row) and
     * {@code values} (finite). {@code rowOffsets} holds {@code labels.length + 1} entries, the first 0, never
     * decreasing. Everything is validated once, here, naming the row and column at fault. Larger data (more than
     * 2<sup>31</sup> − 1 nonzeros or {@link SparseBuilder#MAX_ROWS_PER_BLOCK} rows) goes through {@link #sparseBuilder}.
     *
     * @param cols    number of columns (features), at least 1; may be far above any row's nonzeros
     * @param classes K, in [2, {@link #MAX_CLASSES}]
     */
    public static Dataset wrapCsr(long[] rowOffsets, int[] indices, float[] values, int cols, float[] labels, float[] weights, int classes) {
        return SparseRows.wrap(rowOffsets, indices, values, cols, labels, weights, classes);
    }

    /**
     * Wraps sparse rows in CSR form held in buffers (direct ones, for a reader that fills them in place), without
     * copying, as one block: as {@link #wrapCsr(long[], int[], float[], int, float[], float[], int)}, unweighted, each
     * buffer read from index 0 to its limit ({@code labels}: one per row; {@code rowOffsets}: one per row plus one).
     * Everything is validated once, here, naming the row and column at fault.
     *
     * @throws IllegalArgumentException where the rows are bad, or more than one block holds
     *                                  ({@link SparseBuilder#MAX_ROWS_PER_BLOCK} rows, {@link #DEFAULT_BLOCK_CAPACITY} nonzeros)
     */
    public static Dataset wrapCsr(java.nio.LongBuffer rowOffsets, java.nio.IntBuffer indices, FloatBuffer values, int cols, FloatBuffer labels, int classes) {
        return SparseRows.wrap(rowOffsets, indices, values, cols, labels, classes);
    }

    /** A builder that appends sparse (CSR) rows one at a time (what the LIBSVM and {@code .npz} readers use). */
    public static SparseBuilder sparseBuilder(int cols) {
        return new SparseBuilder(cols);
    }

    /** Copies a {@code float[rows][cols]} matrix (every row the same length) and its labels into direct memory (as {@link #builder}). */
    public static Dataset fromRows(float[][] rows, float[] labels) {
        return fromRows(rows, labels, null);
    }

    /** Copies a {@code float[rows][cols]} matrix, its labels and optional weights into direct memory (as {@link #builder}). */
    public static Dataset fromRows(float[][] rows, float[] labels, float[] weights) {
        return fromRows(rows, labels, weights, 2);
    }

    /**
     * As {@link #fromRows(float[][], float[], float[])} for data of {@code classes} classes (labels integers in
     * [0, classes)).
     */
    public static Dataset fromRows(float[][] rows, float[] labels, float[] weights, int classes) {
        return DenseRows.fromRows(rows, labels, weights, classes);
    }

    /**
     * A builder that appends rows one at a time (what the readers use); rows may exceed 2^31. It stores them in
     * direct, native-order buffers ({@link Builder} says why and what that memory counts against).
     */
    public static Builder builder(int cols) {
        return new Builder(cols, DEFAULT_BLOCK_CAPACITY);
    }

    /**
     * The rows of {@code parts}, in order, as one dataset, without copying them: the result holds the parts' row
     * blocks, re-based so that part k's first row follows part k−1's last. Each part was validated when it was made,
     * so its values are not checked again; only the parts' compatibility is.
     *
     * <p>The parts must have the same number of columns and classes and be all weighted or all unweighted. Feature names, where
     * parts give them, must agree; the result carries them if any part gives them, else none.
     *
     * @param parts at least one dataset; the list and its elements are not modified, and the result shares their
     *              buffers (which are immutable, so the parts stay usable)
     * @throws IllegalArgumentException on an empty list, a null part, or a part whose columns, weighting or feature
     *                                  names differ from part 0's (or from the first part that names its features),
     *                                  naming the part's index
     */
    public static Dataset concat(List<Dataset> parts) {
        return DerivedDatasets.concat(parts);
    }

    /** Number of rows (at least 1). */
    public long rows() { return rows; }

    /** Number of features per row (at least 1). */
    public int cols() { return cols; }

    /** Number of classes K (2 for binary data, labels 0 or 1; else labels are class indices 0..K−1). */
    public int classes() { return classes; }

    /** Whether sample weights were given. */
    public boolean isWeighted() { return weighted; }

    /** Σwᵢ in double precision: the "m" of the objective's means (the row count where unweighted). */
    public double weightSum() { return weightSum; }

    /** Feature names, one per column, or {@code null} where none were given. Unmodifiable. */
    public List<String> featureNames() { return featureNames; }

    /** The blocks of rows, in order; together they cover rows 0 to {@code rows() - 1}. */
    public List<RowBlock> blocks() { return blocks; }

    /** The same data with feature names attached (the arrays are shared, not copied). */
    public Dataset withFeatureNames(List<String> names) {
        return new Dataset(blocks, cols, weighted, Objects.requireNonNull(names, "names"), classes, columnSums);
    }

    /**
     * The column sums of these rows ({@link ColumnSums}: what the column statistics are computed from) where the
     * validating pass gathered them while it read the rows ({@link #wrap} and the readers built on it, over at most
     * 8,192 dense columns), so that the statistics cost no second pass; empty otherwise (sparse data, rows appended
     * through a builder, a selection or a reweighting of other rows), where the statistics make their own pass.
     */
    public java.util.Optional<ColumnSums> columnSums() { return java.util.Optional.ofNullable(columnSums); }

    /**
     * The same rows as data of {@code classes} classes (the buffers are shared, not copied): every label is checked
     * once to be a class index, an integer in [0, classes) (0 or 1 where {@code classes} is 2). Binary data become
     * K-class data without a change of labels (class 0 and class 1).
     *
     * @param classes K, in [2, {@link #MAX_CLASSES}]
     * @throws IllegalArgumentException on K out of range, or a label that is not a class index (naming its row)
     */
    public Dataset withClasses(int classes) {
        return DerivedDatasets.withClasses(this, classes);
    }

    /**
     * The binary problem "class {@code positiveClass} against the rest", for one-vs-rest: the same features, weights
     * and feature names (shared, not copied), labels 1 where a row's class is {@code positiveClass} and 0 elsewhere
     * (a fresh direct buffer per block, as {@link #withWeights} makes for weights). The result has two classes.
     *
     * @throws IllegalArgumentException where {@code positiveClass} is not in [0, {@link #classes()})
     */
    public Dataset oneVsRest(int positiveClass) {
        return DerivedDatasets.oneVsRest(this, positiveClass);
    }

    /**
     * A copy of the rows {@code rows}, in that order (a row may repeat, as in a bootstrap sample), with their labels,
     * weights and the feature names, in direct native-order blocks of at most {@link #DEFAULT_BLOCK_CAPACITY} floats
     * (as {@link #builder} makes them, so a backend that reads blocks in place still does). The rows were validated
     * when this dataset was made, so they are copied in bulk, not checked again. This is how
     * {@link dev.logreg.train.CrossValidation} forms each fold's training and held-out rows.
     *
     * @param rows indices in [0, {@link #rows()}), at least one
     * @throws IllegalArgumentException on no rows, an index out of range (naming its position), or a weighted
     *                                  selection whose weights are all 0
     */
    public Dataset select(int[] rows) {
        return DerivedDatasets.select(this, rows);
    }

    /**
     * The same rows with other sample weights: features, labels and feature names are shared, not copied; the weights
     * go into direct native-order buffers, one a block, so that a backend that reads a block in place still does.
     * This is how {@link ClassWeights#balanced} reweights the classes without a copy of the data.
     *
     * @param weights one finite weight &ge; 0 per row, not all 0 (copied)
     * @throws IllegalArgumentException on another length than {@link #rows()}, or a bad weight (naming its row)
     */
    public Dataset withWeights(float[] weights) {
        return DerivedDatasets.withWeights(this, weights);
    }

    /** The block holding {@code row}. */
    public RowBlock blockOf(long row) {
        Objects.checkIndex(row, rows);
        for (RowBlock b : blocks) {
            if (row < b.firstRow() + b.rows()) return b;
        }
        throw new AssertionError("row " + row + " not covered by any block");
    }

    /** Feature {@code col} of {@code row}. Convenience for tests and small data; backends read blocks. */
    public float feature(long row, int col) {
        Objects.checkIndex(col, cols);
        RowBlock b = blockOf(row);
        return b.feature((int) (row - b.firstRow()), col);
    }

    /** Label of {@code row}: 0 or 1 for binary data, the class index (an exact integer in [0, K)) for K classes. */
    public float label(long row) {
        RowBlock b = blockOf(row);
        return b.labels().get((int) (row - b.firstRow()));
    }

    /** Weight of {@code row} (1 where unweighted). */
    public float weight(long row) {
        RowBlock b = blockOf(row);
        return b.weight((int) (row - b.firstRow()));
    }

    /** Copies the features of {@code row} into {@code dst[0 .. cols-1]} (zeros included where sparse). */
    public void copyRow(long row, float[] dst) {
        RowBlock b = blockOf(row);
        b.copyRow((int) (row - b.firstRow()), dst, 0);
    }

    /** Whether the features are held sparse, as CSR ({@link RowBlock#isSparse()}); every block is the same. */
    public boolean isSparse() { return sparse; }

    /** Stored feature values: the CSR entry count where sparse, {@code rows() * cols()} where dense. */
    public long nonzeros() { return nonzeros; }

    /**
     * The same data held sparse (CSR), zeros dropped; labels, weights, classes and feature names kept. Returns this
     * dataset where it is sparse already.
     */
    public Dataset toSparse() {
        return sparse ? this : SparseRows.fromDense(this);
    }

    /**
     * The same data held dense (row-major direct blocks, as {@link #builder} makes them); returns this dataset where
     * it is dense already. Costs {@code 4 · rows() · cols()} bytes of direct memory: for small or narrow data, and
     * for tests that compare the two layouts.
     */
    public Dataset toDense() {
        return sparse ? SparseRows.toDense(this) : this;
    }

    /**
     * The labels in row order, as a fresh array.
     *
     * @throws IllegalArgumentException where the rows are too many for one array (over 2<sup>31</sup> − 9)
     */
    public float[] copyLabels() {
        return DerivedDatasets.copy(this, false);
    }

    /**
     * The sample weights in row order, as a fresh array, or {@code null} where the rows are unweighted.
     *
     * @throws IllegalArgumentException where the rows are too many for one array (over 2<sup>31</sup> − 9)
     */
    public float[] copyWeights() {
        return weighted ? DerivedDatasets.copy(this, true) : null;
    }

    /**
     * Number of rows of each class, {@link #classes()} entries: {@code [count of 0, count of 1]} for binary data,
     * {@code [count of class 0, .., count of class K−1]} for K classes (a class absent from the rows counts 0).
     */
    public long[] labelCounts() {
        return DerivedDatasets.labelCounts(this);
    }

    @Override
    public String toString() {
        return "Dataset[" + rows + " x " + cols + (sparse ? ", sparse with " + nonzeros + " nonzeros" : "") + (classes != 2 ? ", " + classes + " classes" : "") + (weighted ? ", weighted" : "") + ", " + blocks.size() + " block(s)]";
    }

    /**
     * Appends rows, validating each as it comes, into blocks of at most a fixed number of floats. Not thread-safe.
     *
     * <p><b>Memory.</b> The blocks are direct, native-order buffers
     * ({@code ByteBuffer.allocateDirect(4L * k).order(ByteOrder.nativeOrder()).asFloatBuffer()}), not Java arrays,
     * so that a backend that reads direct native-order data in place (the CPU backend does) binds the built dataset
     * without copying it: one copy of the data in memory instead of two, and no first touch of fresh pages at bind
     * time. Direct memory lies outside the Java heap and counts against {@code -XX:MaxDirectMemorySize}, which
     * defaults to the maximum heap size ({@code -Xmx}). A dataset of B bytes needs B bytes of direct memory and, for
     * its last block, up to as much again of spare capacity (see below); while a block doubles it briefly holds its
     * old buffers and the new one (up to 3x that block's rows), and every buffer is returned only once it is
     * garbage-collected (direct buffers are freed by their cleaners after a collection; where the limit is reached,
     * the JDK collects and retries before it throws). Labels take a buffer per block; weights take one only where the
     * rows are weighted.
     *
     * <p><b>Growth.</b> A block starts at 1024 rows (fewer where the capacity holds fewer) and doubles, copying the
     * rows so far, until it reaches the block capacity; a full block is sealed and the next one starts. The last block
     * is a slice of exactly the rows filled (no final copy), so it keeps the spare capacity of its buffer, at most as
     * much again as its rows.
     */
    public static final class Builder {
        private final DenseRowAppender rows;

        Builder(int cols, int blockCapacityFloats) {
            this.rows = new DenseRowAppender(cols, blockCapacityFloats);
        }

        /**
         * Caps each block at {@code floats} floats (at least one row, at most {@code Integer.MAX_VALUE / 4}, the most
         * one direct buffer holds). The default suits production; tests use small blocks to exercise rows that
         * straddle blocks.
         */
        public Builder blockCapacity(int floats) {
            rows.blockCapacity(floats);
            return this;
        }

        /**
         * The number of classes K of the data (default 2: labels 0 or 1); with K classes each label must be a class
         * index, an integer in [0, K). Set before the first row.
         */
        public Builder classes(int classes) {
            rows.classes(classes);
            return this;
        }

        /** Attaches feature names (one per column). */
        public Builder featureNames(List<String> featureNames) {
            rows.featureNames(featureNames);
            return this;
        }

        /** Appends a row with unit weight. {@code features.length} must equal {@code cols}. */
        public Builder addRow(float[] features, float label) {
            rows.addRow(features, label);
            return this;
        }

        /** Appends a row with a sample weight. */
        public Builder addRow(float[] features, float label, float weight) {
            rows.addRow(features, label, weight);
            return this;
        }

        /** Appends a row read from {@code features[offset .. offset+cols-1]}; {@code weight} is used only where {@code hasWeight}. */
        public Builder addRow(float[] features, int offset, float label, float weight, boolean hasWeight) {
            rows.addRow(features, offset, label, weight, hasWeight);
            return this;
        }

        /** Rows appended so far. */
        public long rowsSoFar() { return rows.rowsSoFar(); }

        /** The dataset; the builder must not be used afterwards. */
        public Dataset build() {
            return rows.build();
        }
    }

    /**
     * A zero-filled direct float buffer in native byte order: the memory {@link Builder} and logreg's readers hold
     * rows in (the CPU backend reads it in place). Where direct memory runs out, the error names {@code purpose}, the
     * bytes asked for, and the limit to raise ({@code -XX:MaxDirectMemorySize}, by default {@code -Xmx}).
     *
     * @param floats  number of floats, at most (2^31 - 1) / 4
     * @param purpose what the buffer is for, for the error message (for example {@code "dataset block"})
     * @throws IllegalArgumentException where {@code floats} do not fit one direct buffer
     */
    public static FloatBuffer directFloats(long floats, String purpose) {
        return DirectBuffers.floats(floats, purpose);
    }

    /**
     * A direct buffer of {@code bytes} in native byte order, for any dataset array (offsets, indices, values, labels);
     * where direct memory runs out, the error is {@link #directFloats}'s.
     *
     * @throws IllegalArgumentException where {@code bytes} do not fit one direct buffer
     */
    public static ByteBuffer directBytes(long bytes, String purpose) {
        return DirectBuffers.bytes(bytes, purpose);
    }
}
