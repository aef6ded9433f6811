package dev.logreg.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The generator-only writer gives the bytes the indenting {@link ObjectMapper} gave, node type by node type. */
class JsonTreeWriterTest {
    private static final ObjectMapper INDENTING = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static void assertSameBytes(JsonNode tree) throws IOException {
        assertArrayEquals(INDENTING.writeValueAsBytes(tree), JsonTreeWriter.write(tree), tree::toString);
    }

    @Test
    void everyNodeTypeIsWrittenAsTheMapperWroteIt() throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("text", "a \"quoted\" name\twith a tab, é and \u2028");
        root.putNull("none");
        root.put("yes", true);
        root.put("int", Integer.MIN_VALUE);
        root.put("long", Long.MAX_VALUE);
        root.put("float", 1.1f);
        root.put("big", new BigInteger("123456789012345678901234567890"));
        root.put("decimal", new BigDecimal("1.250"));
        ArrayNode doubles = root.putArray("doubles");
        for (double d : new double[] {0.1, -0.0, 1e21, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 12345.678, 1.0}) doubles.add(d);
        root.putArray("empty");
        root.putObject("emptyObject");
        ObjectNode nested = root.putArray("history").addObject();
        nested.put("iteration", 1);
        nested.putArray("inner").addArray().add("deep");
        assertSameBytes(root);
        assertSameBytes(f.arrayNode());
        assertSameBytes(f.textNode("alone"));
    }

    @Test
    void theModelFilesOfTheTestSuiteAreRewrittenByteForByte() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertFalse(files.isEmpty(), "model files among the test resources");
        ObjectMapper lenient = new ObjectMapper();
        int read = 0;
        for (Path p : files) {
            JsonNode tree;
            try {
                tree = lenient.readTree(p.toFile());
            } catch (IOException notJson) {
                continue;  // the fuzz corpus holds broken files on purpose
            }
            if (tree == null || tree.isMissingNode()) continue;
            assertSameBytes(tree);
            read++;
        }
        assertFalse(read < 5, "read " + read + " files");
    }
}
