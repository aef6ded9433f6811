package dev.logreg.cli;

import dev.logreg.optim.IterationState;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressListenerTest {
    private static IterationState at(int it, long nanos) {
        return new IterationState(it, 1.0 / it, 0.5 / it, 1, it, nanos);
    }

    @Test
    void terminalRedrawsOneBarAndEndsItsLine() {
        StringWriter s = new StringWriter();
        ProgressListener p = new ProgressListener(new PrintWriter(s, true), true, 10, 100);
        for (int i = 1; i <= 5; i++) p.onIteration(at(i, i * 1_000_000L));
        p.finish();
        String out = s.toString();
        assertEquals(5, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.endsWith(System.lineSeparator()), "finish() should end the bar's line: " + out);
        assertTrue(out.contains("[###############...............] iter 5"), "half of 10 iterations is half the bar: " + out);
        assertTrue(out.contains("it/s"), out);
    }

    @Test
    void plainLinesAtTheFirstIterationEveryNthAndEveryTwoSeconds() {
        StringWriter s = new StringWriter();
        ProgressListener p = new ProgressListener(new PrintWriter(s, true), false, 1000, 100);
        for (int i = 1; i <= 250; i++) p.onIteration(at(i, i * 1_000_000L)); // 1 ms each
        p.onIteration(at(251, 5_000_000_000L)); // 5 s: more than two seconds since the last line
        p.finish();
        String[] lines = s.toString().split("\\R");
        assertEquals(4, lines.length, s.toString());
        assertTrue(lines[0].startsWith("train: iter 1 "), lines[0]);
        assertTrue(lines[1].startsWith("train: iter 100 "), lines[1]);
        assertTrue(lines[2].startsWith("train: iter 200 "), lines[2]);
        assertTrue(lines[3].startsWith("train: iter 251 "), lines[3]);
        assertTrue(!s.toString().contains("\r"), "no carriage returns off a terminal");
    }
}
