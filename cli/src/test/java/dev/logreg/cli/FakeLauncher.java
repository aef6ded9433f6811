package dev.logreg.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real launcher script ({@code ./logreg}) in a copy of the tree's layout (an empty jar, a class path file) under
 * {@code root}, run against a stand-in {@code java} that prints its arguments: what JVM flags the launcher chooses,
 * without starting a JVM.
 */
final class FakeLauncher {
    final Path root;
    final Path fakeJava;

    /** Lays the tree out under {@code root}; skips the test where the launcher is not at the repository's root. */
    FakeLauncher(Path root) throws IOException {
        this.root = root;
        Path launcher = Path.of("..", "logreg").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(launcher), "the launcher is at the repository's root");
        Files.copy(launcher, root.resolve("logreg"));
        Path target = Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(target.resolve("logreg-cli-0.jar"), "");
        Files.writeString(target.resolve("classpath.txt"), root.resolve("cli/target/logreg-cli-0.jar").toString());
        Files.writeString(target.resolve(".launcher-built"), "");
        // A runtime home: bin/java prints its arguments; release names the modules, as a JDK's does.
        Path bin = Files.createDirectories(root.resolve("jdk/bin"));
        fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"17\"\nMODULES=\"java.base jdk.incubator.vector jdk.unsupported\"\n");
    }

    /** The JVM arguments the launcher passes for {@code args}, with {@code env} added to its environment. */
    List<String> jvmArgs(Map<String, String> env, String... args) throws Exception {
        return jvmArgs(List.of(), env, args);
    }

    /** As {@link #jvmArgs(Map, String...)}, the launcher started through {@code prefix} (a shell that moves it first, say). */
    List<String> jvmArgs(List<String> prefix, Map<String, String> env, String... args) throws Exception {
        String out = run(prefix, env, 0, args);
        List<String> jvm = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.equals("dev.logreg.cli.Main")) break;
            jvm.add(line);
        }
        return jvm;
    }

    /** What the launcher prints (standard output and error) where it exits with {@code exitCode} before any JVM. */
    String failure(Map<String, String> env, int exitCode, String... args) throws Exception {
        return run(List.of(), env, exitCode, args);
    }

    private String run(List<String> prefix, Map<String, String> env, int exitCode, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("bash", root.resolve("logreg").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String name : List.of("LOGREG_JVM_FLAGS", "LOGREG_JAVA_OPTS", "LOGREG_VECTOR", "LOGREG_VECTOR_MIN_MB",
                "LOGREG_VECTOR_MIN_CLASS_MB", "LOGREG_VECTOR_AFTER_MB", "LOGREG_MEMORY_MB")) {
            pb.environment().remove(name);
        }
        pb.environment().put("JAVA", fakeJava.toString());
        pb.environment().put("LOGREG_CDS", "0");
        pb.environment().put("LOGREG_SKIP_BUILD", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher ended");
        assertEquals(exitCode, p.exitValue(), out);
        return out;
    }

    /** A file of {@code bytes} that takes no disk past {@code head}, which it starts with. */
    Path sparseFile(String name, byte[] head, long bytes) throws IOException {
        Path f = root.resolve(name);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.write(head);
            r.setLength(bytes);
        }
        return f;
    }
}
