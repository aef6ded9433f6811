package dev.logreg.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The JSON tree of a document as {@code new ObjectMapper().enable(FAIL_ON_TRAILING_TOKENS).readTree(bytes)} makes it
 * (the same node types: int, long or big-integer nodes by size, double nodes for every fraction; a repeated key's
 * last value in its first place; {@link MissingNode} for a document of only whitespace), through jackson-core's
 * parser alone. The parser also does what the mapper relied on it for: the encoding from the first bytes, the
 * nesting and length limits, and every syntax error, as the same exceptions. Why not the mapper: making one in a
 * fresh JVM loads and initialises several hundred classes, 80-280 ms of a {@code logreg predict} or
 * {@code evaluate} whose model file takes a millisecond to parse. Stateless.
 */
final class JsonTreeReader {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTreeReader() {}

    /**
     * The tree of the one JSON value in {@code bytes}.
     *
     * @throws com.fasterxml.jackson.core.JsonProcessingException on malformed JSON, or a value followed by another
     *                                                          ("Trailing token", as the mapper says)
     * @throws java.io.CharConversionException                  where the bytes decode in no encoding JSON allows
     */
    static JsonNode read(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) return MissingNode.getInstance();
            JsonNode root = value(p, first);
            JsonToken after = p.nextToken();
            if (after != null) throw new JsonParseException(p, "Trailing token (of type " + after + ") found after value");
            return root;
        }
    }

    /** The value that starts at token {@code t}; the parser is left on its last token. */
    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT:
                ObjectNode o = f.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.replace(name, value(p, p.nextToken()));
                }
                return o;
            case START_ARRAY:
                ArrayNode a = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) a.add(value(p, e));
                return a;
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT: return f.numberNode(p.getIntValue());
                    case LONG: return f.numberNode(p.getLongValue());
                    default: return f.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return f.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return f.booleanNode(true);
            case VALUE_FALSE:
                return f.booleanNode(false);
            case VALUE_NULL:
                return f.nullNode();
            default:
                throw new JsonParseException(p, "Unexpected token " + t);
        }
    }
}
