package dev.logreg.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed kernel output must have been built from the current sources: the SHA-256 that build-ptx.sh
 * records in the committed manifest must equal the hash of {@code src/main/cuda} computed here the same way
 * (every file, C-locale name order, name NUL contents NUL). Fails where nvcc exists (run
 * {@code kernels/build-ptx.sh --update}); skips with the reason where it does not (nothing could be rebuilt here).
 */
class ManifestTest {
    static String sourcesHash(Path dir) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            // String order of ASCII names is C-locale byte order, as `LC_ALL=C sort` in build-ptx.sh.
            files = s.filter(Files::isRegularFile).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .collect(Collectors.toList());
        }
        for (Path f : files) {
            sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(f));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static Properties load(Path p) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(p)) {
            props.load(in);
        }
        return props;
    }

    @Test
    void committedManifestMatchesSources() throws Exception {
        Path module = Nvcc.moduleDir();
        Path manifest = module.resolve("src/main/committed/dev/logreg/kernels/manifest.properties");
        assertTrue(Files.isRegularFile(manifest), "no committed manifest at " + manifest);
        String recorded = load(manifest).getProperty("sources.sha256");
        assertNotNull(recorded, "manifest has no sources.sha256");
        String actual = sourcesHash(module.resolve("src/main/cuda"));
        if (!recorded.equals(actual)) {
            assumeTrue(Nvcc.find().isPresent(), "committed PTX is stale (sources " + actual + ", manifest " + recorded
                    + ") but nvcc is not on the PATH to rebuild it");
        }
        assertEquals(recorded, actual, "the committed PTX was built from other sources: run kernels/build-ptx.sh --update");
    }

    @Test
    void committedOutputsMatchTheirRecordedHashes() throws Exception {
        Path dir = Nvcc.moduleDir().resolve("src/main/committed/dev/logreg/kernels");
        Properties m = load(dir.resolve("manifest.properties"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(m.getProperty("ptx.sha256"), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(dir.resolve("logreg.ptx")))),
                "logreg.ptx does not match its manifest");
        assertEquals(m.getProperty("fatbin.sha256"), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(dir.resolve("logreg.fatbin")))),
                "logreg.fatbin does not match its manifest");
        String flags = m.getProperty("flags.common") + " " + m.getProperty("flags.ptx") + " " + m.getProperty("flags.fatbin");
        assertTrue(!flags.contains("fast_math") && !flags.contains("fast-math"), "kernels must not be built with fast math: " + flags);
    }

    @Test
    void packagedResourcesArePresent() throws IOException {
        for (String r : List.of(KernelResources.PTX, KernelResources.FATBIN, KernelResources.MANIFEST)) {
            try (InputStream in = KernelResources.class.getResourceAsStream(r)) {
                assertNotNull(in, "resource " + r + " missing from the class path");
                assertTrue(in.readAllBytes().length > 100, "resource " + r + " is (nearly) empty");
            }
        }
    }
}
