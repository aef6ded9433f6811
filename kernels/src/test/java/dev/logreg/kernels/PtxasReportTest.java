package dev.logreg.kernels;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed {@code ptxas -v} report ({@code kernels/ptxas-sm90.txt}) shows every entry point compiled for
 * sm_90 with no spill stores or loads and no stack frame, and names every {@code extern "C"} entry of logreg.cu.
 */
class PtxasReportTest {
    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");

    @Test
    void noSpillsForSm90() throws Exception {
        List<String> lines = Files.readAllLines(Nvcc.moduleDir().resolve("ptxas-sm90.txt"));
        List<String> sm90 = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher e = ENTRY.matcher(lines.get(i));
            if (!e.find() || !e.group(2).equals("sm_90")) continue;
            sm90.add(e.group(1));
            // The spill line follows within a few lines ("Function properties for ..." comes between).
            Matcher s = SPILL.matcher("");
            boolean found = false;
            for (int k = i + 1; k < Math.min(lines.size(), i + 4) && !found; k++) found = (s = SPILL.matcher(lines.get(k))).find();
            assertTrue(found, "no spill line after " + lines.get(i));
            assertEquals("0 0 0", s.group(1) + " " + s.group(2) + " " + s.group(3),
                    "entry " + e.group(1) + " for sm_90: stack frame / spill stores / spill loads");
        }
        String source = Files.readString(Nvcc.moduleDir().resolve("src/main/cuda/fused.cu"));
        assertTrue(sm90.size() >= 15, "expected every entry point in the report, found " + sm90);
        assertTrue(sm90.contains("logreg_fused_v1") && sm90.contains("logreg_fused_wide") && source.contains("logreg_fused_v1"),
                "report lacks the fused entries: " + sm90);
    }
}
