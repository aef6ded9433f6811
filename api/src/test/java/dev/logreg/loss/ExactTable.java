package dev.logreg.loss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A table written by {@link HighPrecisionTable}, read from the test class path: a comment line, a header, then rows
 * {@code z,a,b} with z a double (as {@link Double#toString}) and a, b decimal strings. Immutable.
 */
final class ExactTable {
    /** One row: the z, the two exact values, and the line as written. */
    record Row(double z, BigDecimal first, BigDecimal second, String line) {}

    final String header;
    final List<Row> rows;

    private ExactTable(String header, List<Row> rows) {
        this.header = header;
        this.rows = List.copyOf(rows);
    }

    static ExactTable load(String file) {
        try (InputStream in = ExactTable.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("resource dev/logreg/loss/" + file + " not on the test class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String header = null;
            List<Row> rows = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isEmpty()) continue;
                if (header == null) {
                    header = line;
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 3) throw new IllegalStateException("bad row in " + file + ": " + line);
                rows.add(new Row(Double.parseDouble(f[0]), new BigDecimal(f[1]), new BigDecimal(f[2]), line));
            }
            return new ExactTable(header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
