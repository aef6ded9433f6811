package dev.logreg.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --model MODEL.json}, the model file read by predict, evaluate and serve; a picocli mixin so that its name,
 * label and help text, which are part of the command-line contract, are written once.
 */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "Model file written by logreg train.")
    Path model;
}
