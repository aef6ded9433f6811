package dev.logreg.backend;

import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamShapeTest {
    @Test
    void classMajorSlicesWithTheInterceptLast() {
        ParamShape s = new ParamShape(3, 4);
        assertEquals(15, s.length());
        assertEquals(5, s.stride());
        assertEquals(7, s.index(1, 2));
        assertEquals(14, s.interceptIndex(2));
        for (int i = 0; i < s.length(); i++) assertEquals(i % 5 == 4, s.isIntercept(i), "entry " + i);
        assertEquals("3 classes x (features + 1) = 15", s.describe());
        assertEquals("features + 1 = 5", new ParamShape(1, 4).describe());
    }

    @Test
    void theShapeOfALossOverData() {
        Dataset binary = Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 1}, null);
        Dataset three = binary.withClasses(3);
        assertEquals(new ParamShape(1, 1), ParamShape.of(binary, Loss.log()));
        assertEquals(new ParamShape(2, 1), ParamShape.of(binary, Loss.multinomial()));
        assertEquals(new ParamShape(3, 1), ParamShape.of(three, Loss.multinomial()));
        IllegalArgumentException mse = assertThrows(IllegalArgumentException.class, () -> ParamShape.of(three, Loss.mse()));
        assertTrue(mse.getMessage().startsWith("the MSE loss is binary"), mse.getMessage());
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class, () -> ParamShape.requireBinary("cpu", binary, Loss.multinomial()));
        assertTrue(cpu.getMessage().contains("not yet implemented on the cpu backend"), cpu.getMessage());
        assertEquals(new ParamShape(1, 1), ParamShape.requireBinary("cpu", binary, Loss.log()));
        assertThrows(IllegalArgumentException.class, () -> new ParamShape(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new ParamShape(1 << 20, 1 << 12));
        assertFalse(new ParamShape(1, 3).isIntercept(0));
    }
}
