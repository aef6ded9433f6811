package dev.logreg.server;

/** Bounded, one-line quotations of client input for error messages. Stateless. */
final class Messages {
    private Messages() {}

    /** Most characters of the client's input that a message quotes. */
    static final int QUOTE_LIMIT = 100;

    /**
     * {@code text} on one line, control characters shown as {@code ?}, cut to {@value #QUOTE_LIMIT} characters
     * followed by {@code "..."} where longer: a 200 MB header must not make a 200 MB message.
     */
    static String quote(String text) {
        if (text == null) return "";
        int n = Math.min(text.length(), QUOTE_LIMIT);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > QUOTE_LIMIT) sb.append("...");
        return sb.toString();
    }
}
