package dev.logreg.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles {@code src/test/cuda/math_test.cu} with nvcc for the host and runs it: the per-row math of
 * {@code logreg_math.cuh} (the functions the kernels call) against long-double references. Skips, with the reason,
 * where nvcc is not on the PATH.
 */
class HostMathTest {
    @Test
    void perRowMathMatchesLongDoubleReferences() throws IOException, InterruptedException {
        Optional<Path> nvcc = Nvcc.find();
        assumeTrue(nvcc.isPresent(), "nvcc is not on the PATH: the host math test of logreg_math.cuh and softmax_math.cuh needs it");
        Path module = Nvcc.moduleDir();
        Path exe = module.resolve("target/host-math-test/math_test");
        Files.createDirectories(exe.getParent());
        String compile = run(List.of(nvcc.get().toString(), "-std=c++17", "-O2", "-o", exe.toString(),
                module.resolve("src/test/cuda/math_test.cu").toString()), 240);
        assertTrue(Files.isExecutable(exe), "nvcc did not produce the test program:\n" + compile);
        String out = run(List.of(exe.toString()), 120);
        System.out.println(out);
        // One PASS line per check; the program exits 1 on any failure (checked by run()).
        long passes = out.lines().filter(l -> l.startsWith("PASS ")).count();
        assertEquals(13, passes, "expected 13 passing checks (9 of logreg_math.cuh, 4 of softmax_math.cuh), got:\n" + out);
        assertTrue(out.contains("OK: 0 check(s) failed"), out);
    }

    /** Runs a command, returning its output; fails the test on a non-zero exit or a timeout. */
    private static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + command);
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit status of " + command + ":\n" + out);
        return out;
    }
}
