package dev.logreg.backend;

import java.util.Locale;

/** Which backend to use: a named one, or {@code AUTO} (the fastest usable: GPU, then CPU, then reference). */
public enum BackendChoice {
    AUTO, CPU, GPU, REFERENCE;

    /** Lower-case name as written on the command line, in {@code -Dlogreg.backend} and in {@code LOGREG_BACKEND}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code auto | cpu | gpu | reference} (case-insensitive, surrounding blanks ignored).
     *
     * @param where where the text came from, for the error message
     */
    public static BackendChoice parse(String text, String where) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (BackendChoice c : values()) {
            if (c.id().equals(t)) return c;
        }
        throw new IllegalArgumentException("backend '" + text + "' from " + where + " is not one of auto, cpu, gpu, reference");
    }
}
