package dev.logreg.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExcerptTest {
    @Test
    void shortTextIsQuotedWholeAndLongTextIsCut() {
        assertEquals("abc", Excerpt.of("abc"));
        assertEquals("'abc'", Excerpt.quoted("abc"));
        String hundred = "x".repeat(Excerpt.LIMIT);
        assertEquals(hundred, Excerpt.of(hundred));
        assertEquals(hundred + "...", Excerpt.of(hundred + "y"));
        assertEquals(hundred + "...", Excerpt.of("x".repeat(10_000_000)));
        assertEquals("null", Excerpt.of(null));
    }

    @Test
    void lineBreaksDoNotSplitTheMessageAndSurrogatePairsAreNotCut() {
        assertEquals("a?b?c\td", Excerpt.of("a\nb\rc\td"));
        String s = "x".repeat(Excerpt.LIMIT - 1) + "\uD83D\uDE00" + "tail"; // an emoji across the limit
        String e = Excerpt.of(s);
        assertEquals("x".repeat(Excerpt.LIMIT - 1) + "...", e);
    }

    @Test
    void bytesAreDecodedOnlyAsFarAsShown() {
        byte[] b = ("head," + "é".repeat(5_000) + ",tail").getBytes(StandardCharsets.UTF_8);
        String e = Excerpt.of(b, 5, b.length - 5);
        assertEquals("é".repeat(Excerpt.LIMIT) + "...", e);
        assertEquals("head", Excerpt.of(b, 0, 4));
    }

    @Test
    void listsAreCutWithTheCountLeftOut() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) names.add("column_" + i);
        String l = Excerpt.list(names);
        assertTrue(l.startsWith("column_0, column_1, "), l);
        assertTrue(l.matches("column_0, column_1, .*column_[0-9], \\.\\.\\., column_9999 \\(10,000 in all, 9,9[0-9][0-9] not shown\\)"), l);
        assertTrue(l.length() < 2 * Excerpt.LIMIT, l);
        assertEquals("a, b", Excerpt.list(List.of("a", "b")));
        // One huge name is itself cut; so is a huge last name.
        assertEquals("n".repeat(Excerpt.LIMIT) + "...", Excerpt.list(List.of("n".repeat(1_000_000))));
        String two = Excerpt.list(List.of("a", "z".repeat(1_000_000)));
        assertEquals("a, " + "z".repeat(40) + "...", two);
    }
}
