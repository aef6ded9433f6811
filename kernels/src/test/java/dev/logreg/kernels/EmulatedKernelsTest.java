package dev.logreg.kernels;

import org.junit.jupiter.api.Test;

import java.io.File;
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
 * Runs every kernel of logreg.cu on the CPU under a small SIMT emulation ({@code src/test/cuda/emulate}: one
 * cooperative context per CUDA thread, shuffles and __syncthreads as barriers) and checks the sums against host
 * loops, across layouts, grid sizes, row ranges and weights, and two runs for bit-identity. It verifies the kernels'
 * indexing, partitions and reductions where there is no GPU. Needs a C++17 compiler ({@code g++} or {@code c++});
 * skips, saying so, without one. Takes a few seconds.
 */
class EmulatedKernelsTest {
    private static Optional<Path> compiler() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String name : List.of("g++", "c++")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Test
    void kernelsAgreeWithHostLoopsUnderEmulation() throws IOException, InterruptedException {
        Optional<Path> cxx = compiler();
        assumeTrue(cxx.isPresent(), "no C++ compiler (g++ or c++) on the PATH for the kernel emulation test");
        Path module = Nvcc.moduleDir();
        Path exe = module.resolve("target/emulate/emulate_test");
        Files.createDirectories(exe.getParent());
        run(List.of(cxx.get().toString(), "-std=c++17", "-O1", "-o", exe.toString(),
                module.resolve("src/test/cuda/emulate/emulate_test.cpp").toString()), 300);
        String out = run(List.of(exe.toString()), 600);
        System.out.println(out.lines().filter(l -> l.startsWith("FAIL") || l.startsWith("OK")).limit(20).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(out.contains("OK: 0 of "), out);
    }

    private static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "timed out: " + command);
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "exit status of " + command + ":\n" + out);
        return out;
    }
}
