package dev.logreg.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tree built node by node is the one {@link ObjectMapper#valueToTree} makes, node types and order included. */
class PlainJsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private enum Kind { LOG, SQUARED_ERROR }

    private record Point(int x, double y) {}

    private static void assertSameTree(Object value) throws Exception {
        assertEquals(MAPPER.valueToTree(value), PlainJsonTree.of(value), String.valueOf(value));
        assertEquals(MAPPER.writeValueAsString(MAPPER.valueToTree(value)), MAPPER.writeValueAsString(PlainJsonTree.of(value)));
    }

    @Test
    void everyPlainValueGivesValueToTreesNodes() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "l2");
        m.put("none", null);
        m.put("yes", true);
        m.put("int", 7);
        m.put("long", 1L << 40);
        m.put("double", 0.1);
        m.put("negativeZero", -0.0);
        m.put("nan", Double.NaN);
        m.put("huge", Double.MAX_VALUE);
        m.put("enum", Kind.SQUARED_ERROR);
        m.put("list", List.of(1, "two", 3.0));
        m.put("nested", Map.of("a", List.of(Map.of("b", 2L))));
        m.put("withNull", Arrays.asList(null, 1));
        // Not plain: through the mapper, as before.
        m.put("float", 1.5f);
        m.put("decimal", new BigDecimal("1.25"));
        m.put("record", new Point(1, 2.5));
        m.put("array", new double[] {1, 2});
        assertSameTree(m);
        assertSameTree(Map.of(1, "an integer key"));
        assertSameTree(List.of());
    }

    @Test
    void aModelFilesTrainingObjectIsWhatItWas() throws Exception {
        Map<String, Object> t = SavedModel.describe(TrainingOptions.DEFAULT);
        t.put("cvScore", 0.75);
        t.put("rows", 569L);
        assertSameTree(t);
    }
}
