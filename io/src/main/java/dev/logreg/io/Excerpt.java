package dev.logreg.io;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bounded pieces of user input for error messages. A message names what is wrong and where, and quotes at most
 * {@link #LIMIT} characters of what the input said (then {@code "..."}), so that a 200 MB header line or a
 * megabyte-long field cannot make a 200 MB message, a log line nobody can read, or an HTTP error body larger than the
 * request. Every reader, the model file and the command line quote input through here. Stateless.
 */
public final class Excerpt {
    private Excerpt() {}

    /** Most characters of input a message quotes (before the {@code "..."}). */
    public static final int LIMIT = 100;

    /**
     * {@code text} as it is where it has at most {@link #LIMIT} characters, else its first {@link #LIMIT} followed by
     * {@code "..."}. Line breaks and other control characters become {@code '?'}, so that a quote keeps the message
     * on one line. {@code null} gives {@code "null"}.
     */
    public static String of(String text) {
        if (text == null) return "null";
        int n = text.length();
        int keep = Math.min(n, LIMIT);
        // Do not cut a surrogate pair in two: the half left would print as garbage.
        if (keep < n && keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) keep--;
        StringBuilder sb = new StringBuilder(keep + 3);
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) && c != '\t' ? '?' : c);
        }
        if (keep < n) sb.append("...");
        return sb.toString();
    }

    /** {@link #of(String)} in single quotes: {@code 'abc'} or {@code 'abcd...'}. */
    public static String quoted(String text) {
        return "'" + of(text) + "'";
    }

    /**
     * The UTF-8 bytes {@code b[from, to)} as {@link #of(String)} would quote them, decoding no more than the part
     * shown (a line of a data file may be gigabytes long).
     */
    public static String of(byte[] b, int from, int to) {
        // Four bytes per character at most: 4 * LIMIT + 4 bytes decode to more than LIMIT characters, so where the
        // bytes go on beyond them, of(String) cuts and adds the "...".
        int take = Math.min(to - from, 4 * LIMIT + 4);
        return of(new String(b, from, take, StandardCharsets.UTF_8));
    }

    /**
     * A list of names (the columns of a header, the features of a model) joined with {@code ", "}, each name bounded;
     * where the whole would pass about {@link #LIMIT} characters, the first names that fit, then the last (often the
     * label column), then the count: {@code "a, b, c, ..., z (10,000 in all, 9,996 not shown)"}.
     */
    public static String list(List<String> names) {
        int n = names.size();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n && all.length() <= LIMIT; i++) {
            if (i > 0) all.append(", ");
            all.append(of(names.get(i)));
        }
        if (all.length() <= LIMIT || n == 1) return all.toString(); // one name alone is already bounded by of()
        String last = of(names.get(n - 1));
        if (last.length() > 40) last = last.substring(0, 40) + "...";
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < n - 1; i++) {
            String q = of(names.get(i));
            if (shown > 0 && sb.length() + 2 + q.length() + last.length() > LIMIT) break;
            if (shown > 0) sb.append(", ");
            sb.append(q);
            shown++;
        }
        if (shown == n - 1) return sb.append(", ").append(last).toString();
        sb.append(", ..., ").append(last);
        return sb.append(String.format(java.util.Locale.ROOT, " (%,d in all, %,d not shown)", n, n - 1 - shown)).toString();
    }
}
