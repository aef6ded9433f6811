package dev.logreg.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON tree written as {@code new ObjectMapper().enable(INDENT_OUTPUT).writeValueAsBytes(tree)} writes it, byte for
 * byte, through jackson-core's generator alone. Why not the mapper: building an {@link ObjectMapper} in a fresh JVM
 * loads and initialises several hundred classes (its serializer and deserializer factories, the JDK's date-format
 * locale data): 80-100 ms of every {@code logreg train}, whose model file is a few kilobytes that the generator writes
 * in a millisecond. The nodes a model file holds (objects, arrays, strings, numbers, booleans, null) are each
 * written with the generator call the node's own serializer makes. Stateless.
 */
final class JsonTreeWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTreeWriter() {}

    /** {@code tree} as indented UTF-8 JSON. */
    static byte[] write(JsonNode tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(tree, g);
        }
        return out.toByteArray();
    }

    private static void write(JsonNode n, JsonGenerator g) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(e.getValue(), g);
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode child : n) write(child, g);
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                }
            }
            default -> throw new IllegalArgumentException("a " + n.getNodeType() + " node in a model file's tree");
        }
    }
}
