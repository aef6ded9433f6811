package dev.logreg.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Map;

/**
 * The JSON tree of a plain value (null, a string, a boolean, an int, a long, a double, an enum, and maps and
 * collections of those), built node by node: the nodes {@link ObjectMapper#valueToTree} makes of the same values,
 * without its round trip through a token buffer and a deserializer. That round trip made a fresh JVM load and run
 * Jackson's map serializer and tree deserializer for the first time on every {@code logreg train}: 80-130 ms of a
 * model write that is otherwise a few milliseconds. Anything else still goes through a mapper. Stateless.
 */
final class PlainJsonTree {
    private PlainJsonTree() {}

    /** Made only for a value that is not plain (none in a model file that logreg writes). */
    private static final class Fallback {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    static JsonNode of(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) return f.nullNode();
        if (value instanceof String s) return f.textNode(s);
        if (value instanceof Boolean b) return f.booleanNode(b);
        if (value instanceof Integer i) return f.numberNode(i);
        if (value instanceof Long l) return f.numberNode(l);
        if (value instanceof Double d) return f.numberNode(d);
        // Jackson writes an enum as its name() unless told otherwise, which the mapper here is not.
        if (value instanceof Enum<?> e) return f.textNode(e.name());
        if (value instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) return Fallback.MAPPER.valueToTree(value);
                o.set((String) e.getKey(), of(e.getValue()));
            }
            return o;
        }
        if (value instanceof Collection<?> c) {
            ArrayNode a = f.arrayNode(c.size());
            for (Object v : c) a.add(of(v));
            return a;
        }
        return Fallback.MAPPER.valueToTree(value);
    }
}
