package dev.logreg.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code logreg train} with the GPU asked for (by {@code --backend gpu} or {@code LOGREG_BACKEND=gpu}) when the GPU
 * fails, at startup or during training: exit status 1 and one line naming the failure, no model written, never a fit
 * on the CPU; {@code auto} passes over the GPU at startup only, saying why. Runs the command in a child JVM on simcuda, the simulated CUDA driver, with a fault asked for in the
 * environment (the driver library loads once per process); builds simcuda here with {@code kernels/simcuda.sh} (a few
 * seconds, once) and skips, saying why, where it cannot ({@code -Dsimcuda.skip}, no C++ compiler, not x86-64).
 */
class GpuFailureCliTest {
    private static Path libcuda;

    @BeforeAll
    static void buildSimcuda() throws IOException, InterruptedException {
        assumeFalse(System.getProperty("simcuda.skip", "false").matches("|true"), "-Dsimcuda.skip: no simcuda run");
        Path script = repositoryFile("kernels/simcuda.sh");
        Path dir = Path.of("target", "simcuda").toAbsolutePath();
        Process p = new ProcessBuilder("bash", script.toString(), dir.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "simcuda.sh timed out: " + text);
        assertEquals(0, p.exitValue(), "simcuda.sh failed: " + text);
        libcuda = dir.resolve("libcuda.so.1");
        assumeTrue(Files.isRegularFile(libcuda), "simcuda was not built here: " + text.strip());
    }

    @Test
    void anExplicitGpuThatCannotStartIsExitOneNamingWhy(@TempDir Path dir) throws Exception {
        Result r = train(dir, Map.of("SIMCUDA_DEVICES", "0"), "--quiet", "--backend", "gpu");
        assertFailure(r, dir, "logreg: error: backend 'gpu' is not usable: no CUDA device", "(chosen by ");
    }

    @Test
    void anExplicitGpuFailingDuringTrainingIsExitOneNamingTheCall(@TempDir Path dir) throws Exception {
        // The factory's self-test makes 6 copies and the bind 2; copy 20 is an evaluation's, inside L-BFGS.
        Result copy = train(dir, Map.of("SIMCUDA_FAIL_COPY", "20"), "--quiet", "--backend", "gpu");
        assertFailure(copy, dir, "logreg: error: backend failure: cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
        Result launch = train(dir, Map.of("SIMCUDA_FAIL_LAUNCH", "15", "LOGREG_BACKEND", "gpu"), "--quiet");
        assertFailure(launch, dir, "logreg: error: backend failure: cuLaunchKernel(", "CUDA_ERROR_LAUNCH_FAILED");
    }

    @Test
    void autoPassesOverAGpuThatCannotStartSayingWhyButNotOneFailingDuringTraining(@TempDir Path dir) throws Exception {
        Result startup = train(dir, Map.of("SIMCUDA_DEVICES", "0"), "--backend", "auto");
        assertEquals(0, startup.code, startup.toString());
        assertTrue(startup.err.contains("auto: chose cpu (gpu unusable: no CUDA device"), "auto does not say why: " + startup);
        Files.delete(dir.resolve("model.json"));
        Result training = train(dir, Map.of("SIMCUDA_FAIL_COPY", "20"), "--quiet", "--backend", "auto");
        assertFailure(training, dir, "logreg: error: backend failure: cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
    }

    private static void assertFailure(Result r, Path dir, String start, String part) {
        assertEquals(1, r.code, r.toString());
        List<String> own = new ArrayList<>();
        for (String line : r.err.split("\n")) {
            if (!line.isBlank() && !line.startsWith("simcuda: ")) own.add(line);  // the driver's own notes aside
        }
        assertEquals(1, own.size(), "expected one line of logreg's own on stderr: " + r);
        assertTrue(own.get(0).startsWith(start) && own.get(0).contains(part), r.toString());
        assertFalse(Files.exists(dir.resolve("model.json")), "a model was written: " + r);
    }

    private record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** {@code logreg train} with {@code extra} on the breast-cancer data in a child JVM on simcuda, {@code env} added. */
    private static Result train(Path dir, Map<String, String> env, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                "--data", CliRun.data("breast-cancer.csv").toString(), "--label", "benign", "--out", dir.resolve("model.json").toString()));
        command.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("LD_LIBRARY_PATH", libcuda.getParent().toString());
        pb.environment().remove("LOGREG_BACKEND");
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        Result r = new Result(ended ? p.exitValue() : -1, Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")));
        assertTrue(ended, "logreg train timed out: " + r);
        return r;
    }

    /** {@code relative} in the repository, found by walking up from the working directory. */
    private static Path repositoryFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(relative))) return d.resolve(relative);
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
