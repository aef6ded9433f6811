package dev.logreg.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.logreg.onnx.proto.OnnxMl.AttributeProto;
import dev.logreg.onnx.proto.OnnxMl.GraphProto;
import dev.logreg.onnx.proto.OnnxMl.NodeProto;
import dev.logreg.onnx.proto.OnnxMl.TensorProto;
import dev.logreg.onnx.proto.OnnxMl.TensorShapeProto;
import dev.logreg.onnx.proto.OnnxMl.TypeProto;
import dev.logreg.onnx.proto.OnnxMl.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A small writer of an ONNX graph: nodes of the default domain, initializers and typed inputs and outputs, with
 * the few element types the export uses. Tensors are stored as {@code raw_data} (little-endian, as ONNX requires)
 * except strings, which ONNX stores one per {@code string_data} entry. Not thread-safe; one per export.
 */
final class OnnxGraph {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int STRING = TensorProto.DataType.STRING_VALUE;

    private final GraphProto.Builder graph = GraphProto.newBuilder();

    OnnxGraph(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    GraphProto build() {
        return graph.build();
    }

    /** Adds node {@code op}(inputs) → {@code output} and returns the output's name, for chaining. */
    String node(String op, String output, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output + "_" + op).addOutput(output).addAllInput(inputs);
        for (AttributeProto a : attributes) n.addAttribute(a);
        graph.addNode(n);
        return output;
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A graph input or output of element type {@code type}; a dimension is a {@code Long} size or a {@code String} name. */
    static ValueInfoProto value(String name, int type, String doc, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) dim.setDimParam(s);
            else dim.setDimValue((Long) d);
            shape.addDim(dim);
        }
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(t).setDocString(doc).build();
    }

    void input(ValueInfoProto v) {
        graph.addInput(v);
    }

    void output(ValueInfoProto v) {
        graph.addOutput(v);
    }

    /** A FLOAT or DOUBLE initializer of shape {@code dims} holding {@code values} (row-major), rounded to float32 for FLOAT. */
    String real(String name, int type, double[] values, long... dims) {
        int size = type == DOUBLE ? Double.BYTES : Float.BYTES;
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, size)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (type == DOUBLE) b.putDouble(v);
            else b.putFloat((float) v);
        }
        return tensor(name, type, UnsafeByteOperations.unsafeWrap(b.array()), dims);
    }

    /** A scalar FLOAT or DOUBLE initializer. */
    String scalar(String name, int type, double value) {
        return real(name, type, new double[] {value});
    }

    /** An INT64 initializer of shape {@code dims}. */
    String int64(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, Long.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return tensor(name, INT64, UnsafeByteOperations.unsafeWrap(b.array()), dims);
    }

    /** A STRING initializer of shape [values.size()], UTF-8. */
    String strings(String name, List<String> values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(STRING).addDims(values.size());
        for (String s : values) t.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        graph.addInitializer(t);
        return name;
    }

    private String tensor(String name, int type, ByteString raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) t.addDims(d);
        graph.addInitializer(t);
        return name;
    }
}
