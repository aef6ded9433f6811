package dev.logreg.gpu;

import dev.logreg.testing.SimulatedGpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An explicit choice of the GPU never ends in a fit elsewhere: asked for by name (the builder's argument,
 * {@code -Dlogreg.backend=gpu}, {@code LOGREG_BACKEND=gpu}), a GPU that cannot start is a
 * {@link dev.logreg.backend.BackendUnavailableException} and one that fails during training a
 * {@link dev.logreg.backend.BackendException}; {@code auto} passes over an unusable GPU at startup, saying why, and
 * never once training has begun. Each case is {@link dev.logreg.LogisticRegression#fit} in a child JVM on simcuda with
 * a fault asked for ({@link SimcudaFaultMain}'s {@code fit}); the reference backend is the other one on this class path.
 * Tagged {@code simcuda}.
 */
@Tag("simcuda")
class ExplicitGpuChoiceTest {
    /**
     * A copy and a launch well inside training: the factory's self-test makes 6 copies and 4 launches, the bind of
     * the training data 2 copies, and each evaluation 2 of each.
     */
    private static final String COPY_IN_TRAINING = "20";
    private static final String LAUNCH_IN_TRAINING = "15";

    private Path simcuda;

    @BeforeEach
    void needSimcuda() {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes and names in -D" + SimulatedGpu.PROPERTY);
        simcuda = Path.of(System.getProperty(SimulatedGpu.PROPERTY));
    }

    @Test
    void aGpuChosenByArgumentOrEnvironmentThatCannotStartIsAnError() throws Exception {
        Map<String, String> fits = fits(Map.of("SIMCUDA_DEVICES", "0", "LOGREG_BACKEND", "gpu"), List.of(), "gpu", "deferred");
        assertUnavailable(fits.get("gpu"), "chosen by argument");
        assertUnavailable(fits.get("deferred"), "chosen by LOGREG_BACKEND");
    }

    @Test
    void aGpuChosenByPropertyThatCannotStartIsAnErrorWhereAutoFallsBackSayingWhy() throws Exception {
        Map<String, String> fits = fits(Map.of("SIMCUDA_DEVICES", "0"), List.of("-Dlogreg.backend=gpu"), "deferred", "auto");
        assertUnavailable(fits.get("deferred"), "chosen by -Dlogreg.backend");
        assertTrue(fits.get("auto").startsWith("TRAINED ") && fits.get("auto").contains(" on reference"), "auto at startup: " + fits);
        assertTrue(fits.get("AUTO").contains("gpu unusable: no CUDA device"), "auto does not say why: " + fits);
    }

    @Test
    void aGpuChosenByNameFailingDuringTrainingIsAnError() throws Exception {
        Map<String, String> copy = fits(Map.of("SIMCUDA_FAIL_COPY", COPY_IN_TRAINING), List.of(), "gpu");
        assertFailedInTraining(copy.get("gpu"), "cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
        Map<String, String> launch = fits(Map.of("SIMCUDA_FAIL_LAUNCH", LAUNCH_IN_TRAINING, "LOGREG_BACKEND", "gpu"), List.of(), "deferred");
        assertFailedInTraining(launch.get("deferred"), "cuLaunchKernel(", "CUDA_ERROR_LAUNCH_FAILED");
    }

    @Test
    void autoDoesNotFallBackOnceTrainingHasBegun() throws Exception {
        Map<String, String> fits = fits(Map.of("SIMCUDA_FAIL_COPY", COPY_IN_TRAINING), List.of(), "auto");
        assertFailedInTraining(fits.get("auto"), "cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
    }

    private static void assertUnavailable(String fit, String source) {
        assertTrue(fit != null && fit.startsWith("FAILED BackendUnavailableException: ") && fit.contains("no CUDA device")
                && fit.contains(source), "an explicit gpu that cannot start: " + fit);
    }

    private static void assertFailedInTraining(String fit, String call, String error) {
        assertTrue(fit != null && fit.startsWith("FAILED BackendException: ") && fit.contains(call) && fit.contains(error),
                "a gpu failing during training must be an error naming " + call + " and " + error + ", not a fit elsewhere: " + fit);
    }

    /**
     * One child fitting with each backend argument in turn; returns each argument's outcome ({@code TRAINED ...} or
     * {@code FAILED ...}), and the child's {@code AUTO} line under that key.
     */
    private Map<String, String> fits(Map<String, String> env, List<String> jvmOptions, String... backends)
            throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("fit"));
        args.addAll(List.of(backends));
        String text = SimcudaChild.run(simcuda, SimcudaFaultMain.class, args, env, jvmOptions);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("FIT ")) {
                String rest = line.substring(4);
                int sp = rest.indexOf(' ');
                out.put(rest.substring(0, sp), rest.substring(sp + 1).strip());
            } else if (line.startsWith("AUTO ")) {
                out.put("AUTO", line.substring(5).strip());
            }
        }
        assertTrue(out.keySet().containsAll(List.of(backends)), "child output: " + text);
        return out;
    }
}
