package dev.logreg.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser-only reader gives the tree the mapper gave ({@code readTree} with {@code FAIL_ON_TRAILING_TOKENS}), node
 * types included, and fails where it failed, with the same exception, message and place: on every JSON file among
 * the test resources (the fuzz corpus's broken ones too), on edge cases, and on thousands of cut and mutated model
 * files.
 */
class JsonTreeReaderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What reading gave: the tree, or the failure's class, message (trailing tokens: the kind) and place. */
    private static String outcome(byte[] bytes, boolean mapper) {
        try {
            JsonNode n = mapper ? MAPPER.readTree(bytes) : JsonTreeReader.read(bytes);
            return "tree " + describeTree(n);
        } catch (JsonProcessingException e) {
            String m = String.valueOf(e.getOriginalMessage());
            // The mapper's words for a trailing token name its own feature; the kind is what ModelFile reads.
            if (m.startsWith("Trailing token")) return "trailing " + m.substring(0, m.indexOf(')') + 1);
            String family = e instanceof com.fasterxml.jackson.core.io.JsonEOFException ? "eof"
                    : e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException ? "limits" : "parse";
            return family + " " + m + " @" + (e.getLocation() == null ? "-" : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr());
        } catch (IOException e) {
            return e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

    /** The tree with every node's class, so that an int node and a long node of the same number differ. */
    private static String describeTree(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        describe(n, sb);
        return sb.toString();
    }

    private static void describe(JsonNode n, StringBuilder sb) {
        sb.append(n.getClass().getSimpleName()).append('(');
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                sb.append(e.getKey()).append('=');
                describe(e.getValue(), sb);
                sb.append(',');
            });
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                describe(c, sb);
                sb.append(',');
            }
        } else {
            sb.append(n);
        }
        sb.append(')');
    }

    private static void assertSameOutcome(byte[] bytes) {
        assertEquals(outcome(bytes, true), outcome(bytes, false), () -> new String(bytes, StandardCharsets.UTF_8));
    }

    private static void assertSameOutcome(String json) {
        assertSameOutcome(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<byte[]> resourceFiles() throws IOException {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) files.add(Files.readAllBytes(p));
        }
        return files;
    }

    @Test
    void everyJsonFileAmongTheTestResourcesReadsAsTheMapperReadIt() throws IOException {
        List<byte[]> files = resourceFiles();
        assertTrue(files.size() >= 10, files.size() + " files");
        for (byte[] f : files) assertSameOutcome(f);
    }

    @Test
    void edgeCasesReadAsTheMapperReadThem() {
        for (String json : List.of("", "   \n", "{}", "[]", "1", "\"s\"", "null", "true",
                "{\"a\": 2147483647, \"b\": 2147483648, \"c\": -9223372036854775808, \"d\": 9223372036854775808}",
                "{\"f\": 1.0, \"g\": -0.0, \"h\": 1e400, \"i\": 1e-400, \"j\": 0.1, \"k\": 1E5, \"l\": 123456789012345678901234567890.5}",
                "{\"a\": 1, \"b\": 2, \"a\": [3]}", "{\"u\": \"\\u00e9\\ud83d\\ude00\\n\\\"\"}", "{\"\": {\"\": []}}",
                "{} {}", "{} 1", "[] x", "{\"a\": 1}}", "{\"a\": NaN}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -}",
                "{\"a\" 1}", "{a: 1}", "{\"a\": 'x'}", "[1,]", "[1 2]", "{\"a\": tru}", "{\"a\": \"unterminated}",
                "\uFEFF{\"bom\": true}", "{\"a\": 1} // comment", "/* c */ {}")) {
            assertSameOutcome(json);
        }
        String deep = "[".repeat(1001) + "]".repeat(1001);
        assertSameOutcome(deep);
        assertSameOutcome("{\"s\": \"" + "x".repeat(100_000) + "\"}");
        assertSameOutcome("{\"t\": true}".getBytes(StandardCharsets.UTF_16BE));
        assertSameOutcome(new byte[] {0, 0, 0, 0, 1, 2});
    }

    @Test
    void cutAndMutatedModelFilesFailOrReadAsWithTheMapper() throws IOException {
        List<byte[]> files = resourceFiles();
        SplittableRandom r = new SplittableRandom(7);
        byte[] alphabet = "{}[]\":,0123456789.eE+- \ntrufalsn\\x".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 4000; i++) {
            byte[] f = files.get(r.nextInt(files.size()));
            if (f.length == 0) continue;
            byte[] m = r.nextBoolean() ? java.util.Arrays.copyOf(f, r.nextInt(f.length)) : f.clone();
            for (int k = r.nextInt(3); k > 0 && m.length > 0; k--) m[r.nextInt(m.length)] = alphabet[r.nextInt(alphabet.length)];
            assertSameOutcome(m);
        }
    }
}
