package dev.logreg.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM bound to simcuda, for the tests of injected faults: the driver library loads once per process, and a
 * fault asked for in the environment must not touch the test's own JVM.
 */
final class SimcudaChild {
    /** Longest a child may run. */
    private static final long TIMEOUT_SECONDS = 180;

    private SimcudaChild() {}

    /**
     * Runs {@code mainClass} with {@code args}, simcuda ({@code libcuda}, the file the build made) first on the
     * library path, {@code env} added to the environment and {@code jvmOptions} before the class name; asserts exit
     * status 0 within the time limit and returns everything it printed (stdout and stderr together).
     */
    static String run(Path libcuda, Class<?> mainClass, List<String> args, Map<String, String> env, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", libcuda.getParent().toString());
        // The test's own choice of backend must not leak into a child that chooses by its arguments.
        pb.environment().remove("LOGREG_BACKEND");
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        assertTrue(ended, "child timed out: " + text);
        assertEquals(0, p.exitValue(), "child exit status, output:\n" + text);
        return text;
    }

    /** The {@code KEY value} lines of a child's output (KEY in capitals; the last of each key wins). */
    static Map<String, String> keyed(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            String key = sp < 0 ? line.strip() : line.substring(0, sp);
            if (key.matches("[A-Z]+")) out.put(key, sp < 0 ? "" : line.substring(sp + 1).strip());
        }
        return out;
    }
}
