package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each CSV column goes (a feature slot, the label, the weight, or nowhere), worked out once from the header,
 * and the shared error messages of the CSV readers. Immutable after construction.
 */
final class CsvLayout {
    static final int IGNORE = -1;
    static final int LABEL = -2;
    static final int WEIGHT = -3;

    final Path file;
    final List<String> header;
    /** Column index → feature index, or {@link #LABEL}, {@link #WEIGHT}, {@link #IGNORE}. */
    final int[] slot;
    final int labelCol;
    final int weightCol;
    final List<String> featureNames;

    CsvLayout(Path file, List<String> header, ReadOptions options) {
        this.file = file;
        this.header = List.copyOf(header);
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (byName.putIfAbsent(header.get(i), i) != null) {
                throw new IllegalArgumentException(file + " line 1: column " + Excerpt.quoted(header.get(i)) + " appears twice in the header");
            }
        }
        slot = new int[header.size()];
        Arrays.fill(slot, IGNORE);
        Integer lc = byName.get(options.labelColumn());
        if (lc != null) {
            labelCol = lc;
            slot[lc] = LABEL;
        } else if (options.labelRequired()) {
            throw new IllegalArgumentException(file + ": no label column " + Excerpt.quoted(options.labelColumn()) + "; the columns are: "
                    + Excerpt.list(header) + " (choose one with --label NAME)");
        } else {
            labelCol = -1;
        }
        if (options.weightColumn() != null) {
            Integer wc = byName.get(options.weightColumn());
            if (wc == null) {
                throw new IllegalArgumentException(file + ": no weight column " + Excerpt.quoted(options.weightColumn()) + "; the columns are: " + Excerpt.list(header));
            }
            if (slot[wc] == LABEL) throw new IllegalArgumentException(file + ": column " + Excerpt.quoted(options.weightColumn()) + " cannot be both the label and the weight");
            weightCol = wc;
            slot[wc] = WEIGHT;
        } else {
            weightCol = -1;
        }
        List<String> names = new ArrayList<>();
        if (options.featureNames() != null) {
            List<String> missing = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String f : options.featureNames()) {
                // A model naming one feature twice cannot be matched to columns by name; say so rather than call the
                // second one missing (ModelFile refuses such files; this guards models made in code).
                if (!seen.add(f)) throw new IllegalArgumentException("the model names feature " + Excerpt.quoted(f) + " twice; feature names must be distinct");
                Integer c = byName.get(f);
                if (c == null || slot[c] != IGNORE) {
                    missing.add(f);
                    continue;
                }
                slot[c] = names.size();
                names.add(f);
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(file + ": feature" + (missing.size() > 1 ? "s " : " ") + Excerpt.list(missing)
                        + " of the model " + (missing.size() > 1 ? "are" : "is") + " not a column; the columns are: " + Excerpt.list(header));
            }
        } else {
            for (int i = 0; i < slot.length; i++) {
                if (slot[i] == IGNORE) {
                    slot[i] = names.size();
                    names.add(header.get(i));
                }
            }
        }
        if (names.isEmpty()) throw new IllegalArgumentException(file + ": no feature columns besides the label (columns: " + Excerpt.list(header) + ")");
        featureNames = List.copyOf(names);
    }

    /** A builder for rows of this layout, with the feature names attached. */
    Dataset.Builder newBuilder() {
        return Dataset.builder(featureNames.size()).featureNames(featureNames);
    }

    /** "file line L, column 'name' (c): what". */
    String at(long line, int column, String what) {
        String name = column < header.size() ? Excerpt.quoted(header.get(column)) + " (" + (column + 1) + ")" : "" + (column + 1);
        return file + " line " + line + ", column " + name + ": " + what;
    }

    /** The message of a ragged line. */
    String ragged(long line, int fields) {
        return file + " line " + line + ": " + fields + " fields, expected " + slot.length + " as in the header (ragged line)";
    }
}
