package dev.logreg.gpu;

import dev.logreg.kernels.KernelResources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: {@link CudaKernels#ALL} is exactly the set of {@code .entry} names of the packaged PTX. */
class CudaKernelsTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(");

    @Test
    void kernelListMatchesPtxEntries() throws IOException {
        String ptx;
        try (InputStream in = KernelResources.class.getResourceAsStream(KernelResources.PTX)) {
            assertNotNull(in, "no " + KernelResources.PTX + " on the class path");
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Set<String> entries = new TreeSet<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) entries.add(m.group(1));
        assertEquals(new TreeSet<>(CudaKernels.ALL), entries, "CudaKernels.ALL vs the PTX's .entry names");
        assertEquals(CudaKernels.ALL.size(), new HashSet<>(CudaKernels.ALL).size(), "duplicate names in CudaKernels.ALL");
        // Unmangled names: extern "C" (a C++ name would start with _Z).
        assertTrue(entries.stream().noneMatch(e -> e.startsWith("_Z")), "mangled entry: " + entries);
    }

    @Test
    void ptxTargetsCompute80() throws IOException {
        try (InputStream in = KernelResources.class.getResourceAsStream(KernelResources.PTX)) {
            String head = new String(in.readNBytes(4096), StandardCharsets.US_ASCII);
            assertTrue(head.contains(".target sm_80"), "PTX does not target compute 8.0:\n" + head);
        }
    }
}
