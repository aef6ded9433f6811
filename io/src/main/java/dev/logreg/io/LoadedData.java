package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.nio.file.Path;

/**
 * What a reader produced.
 *
 * @param dataset   the rows; where {@code hasLabels} is false every label is 0 (a placeholder) and must not be read
 * @param hasLabels whether the file held labels (it may lack them only where the read allowed it, as for predict)
 * @param labels    the classes, in class order ({@link LabelMapping}): those the file holds, or those it was read
 *                  against ({@link ReadOptions#classes}); {@link LabelMapping#ZERO_ONE} where there were no labels
 * @param source    the file read
 */
public record LoadedData(Dataset dataset, boolean hasLabels, LabelMapping labels, Path source) {
}
