package dev.logreg.onnx;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed {@code onnx-ml.proto} is ONNX's own (release v1.19.1) but for the lines marked {@code //logreg:}: the
 * provenance header and the {@code java_package} option. Without them its bytes hash to upstream's SHA-256.
 */
class OnnxProtoProvenanceTest {
    private static final String UPSTREAM_SHA256 = "dcca2d4747117bc903f0e628f9e3f99a5054c130b6bd2289ce2242f6c701c6df";

    @Test
    void withoutOurMarkedLinesTheProtoIsUpstreams() throws Exception {
        String text = Files.readString(Path.of("src/main/protobuf/onnx-ml.proto"), StandardCharsets.UTF_8);
        List<String> ours = text.lines().filter(l -> l.contains("//logreg:")).toList();
        assertEquals(8, ours.size(), "the header (7 lines) and the java_package option: " + ours);
        assertTrue(ours.contains("option java_package = \"dev.logreg.onnx.proto\"; //logreg: added"), ours.toString());
        // Upstream's file ends with a newline; so does every line kept here.
        String upstream = text.lines().filter(l -> !l.contains("//logreg:")).map(l -> l + "\n").collect(Collectors.joining());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(upstream.getBytes(StandardCharsets.UTF_8));
        assertEquals(UPSTREAM_SHA256, HexFormat.of().formatHex(digest));
    }
}
