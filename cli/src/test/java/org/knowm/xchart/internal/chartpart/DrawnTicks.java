package org.knowm.xchart.internal.chartpart;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: the tick labels XChart draws on a chart's axes. XChart keeps its axes package-private, so this class
 * lives in XChart's package (on the test class path only); it paints the chart once, as saving it does, and keeps the
 * labels whose ticks fall inside the axis, as XChart's own label painter does.
 */
public final class DrawnTicks {
    private DrawnTicks() {}

    /** The x axis's drawn tick labels, left to right. */
    public static List<String> x(XYChart c) {
        BitmapEncoder.getBufferedImage(c);
        Chart<?, ?> chart = c; // the axes are package-private members of Chart
        return inside(chart.getXAxis(), chart.getXAxis().getBounds().getWidth());
    }

    /** The y axis's drawn tick labels, bottom to top. */
    public static List<String> y(XYChart c) {
        BitmapEncoder.getBufferedImage(c);
        Chart<?, ?> chart = c;
        return inside(chart.getYAxis(), chart.getYAxis().getBounds().getHeight());
    }

    private static List<String> inside(Axis<?, ?> axis, double length) {
        List<String> labels = axis.getAxisTickCalculator().getTickLabels();
        List<Double> at = axis.getAxisTickCalculator().getTickLocations();
        List<String> drawn = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) != null && at.get(i) > 0 && at.get(i) < length) drawn.add(labels.get(i));
        }
        return drawn;
    }
}
