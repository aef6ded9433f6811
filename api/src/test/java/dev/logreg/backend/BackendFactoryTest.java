package dev.logreg.backend;

import dev.logreg.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendFactoryTest {
    /** A provider whose probe answers what it is told (or throws) and counts its calls. */
    private static final class FakeProvider implements BackendProvider {
        final String name;
        final int priority;
        final Supplier<Availability> probe;
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger creates = new AtomicInteger();

        FakeProvider(String name, int priority, Supplier<Availability> probe) {
            this.name = name;
            this.priority = priority;
            this.probe = probe;
        }

        @Override public String name() { return name; }

        @Override public int priority() { return priority; }

        @Override public Availability probe() {
            probes.incrementAndGet();
            return probe.get();
        }

        @Override public Backend create(BackendOptions options) {
            creates.incrementAndGet();
            return new ReferenceBackend();
        }
    }

    private static FakeProvider gpu(Availability a) { return new FakeProvider("gpu", 300, () -> a); }

    private static FakeProvider cpu(Availability a) { return new FakeProvider("cpu", 200, () -> a); }

    private static FakeProvider reference() { return new FakeProvider("reference", 100, () -> Availability.usable("always")); }

    private static Properties props(String backend) {
        Properties p = new Properties();
        if (backend != null) p.setProperty(BackendFactory.PROPERTY, backend);
        return p;
    }

    private static Map<String, String> env(String backend) {
        return backend == null ? Map.of() : Map.of(BackendFactory.ENVIRONMENT, backend);
    }

    private static List<BackendProvider> all() {
        return List.of(reference(), gpu(Availability.usable("H100")), cpu(Availability.usable("16 threads")));
    }

    @Test
    void precedenceIsArgumentThenPropertyThenEnvironmentThenAuto() {
        BackendFactory f = BackendFactory.of(all(), env("reference"), props("cpu"));
        BackendFactory.Selection s = f.select(BackendChoice.GPU);
        assertEquals("gpu", s.name());
        assertEquals("argument", s.source());
        s = f.select(null);
        assertEquals("cpu", s.name());
        assertEquals("-Dlogreg.backend", s.source());

        s = BackendFactory.of(all(), env("reference"), props(null)).select(null);
        assertEquals("reference", s.name());
        assertEquals("LOGREG_BACKEND", s.source());

        s = BackendFactory.of(all(), env(null), props(null)).select(null);
        assertEquals("gpu", s.name(), "auto takes the highest priority usable");
        assertEquals("auto", s.requested());
        assertEquals("default", s.source());

        // Blank values do not count as a choice; "auto" given explicitly is auto.
        s = BackendFactory.of(all(), env("  "), props("")).select(null);
        assertEquals("default", s.source());
        s = BackendFactory.of(all(), env(null), props(" AUTO ")).select(null);
        assertEquals("auto", s.requested());
        assertEquals("gpu", s.name());
    }

    @Test
    void autoPassesOverUnusableBackendsAndSaysWhy() {
        FakeProvider gpu = gpu(Availability.unusable("no CUDA device"));
        BackendFactory f = BackendFactory.of(List.of(reference(), gpu, cpu(Availability.usable("16 threads"))), env(null), props(null));
        BackendFactory.Selection s = f.select(BackendChoice.AUTO);
        assertEquals("cpu", s.name());
        assertTrue(s.reason().contains("gpu") && s.reason().contains("no CUDA device"), s.reason());
        assertEquals(3, s.reports().size());
        assertEquals(List.of("gpu", "cpu", "reference"), s.reports().stream().map(BackendFactory.BackendReport::name).toList());
        assertFalse(s.reports().get(0).availability().usable());
        assertEquals("gpu: unusable (no CUDA device)", s.reports().get(0).toString());

        FakeProvider cpu = cpu(Availability.unusable("ND4J native library missing"));
        s = BackendFactory.of(List.of(gpu, cpu, reference()), env(null), props(null)).select(null);
        assertEquals("reference", s.name());
        assertTrue(s.reason().contains("no CUDA device") && s.reason().contains("ND4J native library missing"), s.reason());
    }

    @Test
    void nothingUsableInAutoIsAnErrorListingEveryReason() {
        BackendFactory f = BackendFactory.of(List.of(gpu(Availability.unusable("no driver")), cpu(Availability.unusable("no BLAS"))),
                env(null), props(null));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> f.select(null));
        assertTrue(e.getMessage().contains("no driver") && e.getMessage().contains("no BLAS"), e.getMessage());
        BackendUnavailableException none = assertThrows(BackendUnavailableException.class,
                () -> BackendFactory.of(List.of(), env(null), props(null)).select(null));
        assertTrue(none.getMessage().contains("none found"), none.getMessage());
    }

    @Test
    void anExplicitUnusableChoiceThrowsWithTheReasonAndNeverSubstitutes() {
        FakeProvider gpu = gpu(Availability.unusable("driver too old for the PTX"));
        FakeProvider cpu = cpu(Availability.usable("16 threads"));
        for (BackendFactory f : new BackendFactory[] {
                BackendFactory.of(List.of(gpu, cpu, reference()), env(null), props(null)),
                BackendFactory.of(List.of(gpu, cpu, reference()), env(null), props("gpu")),
                BackendFactory.of(List.of(gpu, cpu, reference()), env("gpu"), props(null))}) {
            BackendChoice arg = f.resolve(null).getValue().equals("default") ? BackendChoice.GPU : null;  // (name, source)
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> f.open(arg, BackendOptions.DEFAULT));
            assertEquals("gpu", e.backend());
            assertTrue(e.reason().contains("driver too old for the PTX"), e.reason());
            assertTrue(e.getMessage().contains("driver too old for the PTX"), e.getMessage());
        }
        assertEquals(0, cpu.creates.get(), "no substitute was started");
    }

    @Test
    void unknownNames() {
        BackendFactory f = BackendFactory.of(all(), env(null), props("tpu"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> f.select(null));
        assertTrue(bad.getMessage().contains("tpu") && bad.getMessage().contains("-Dlogreg.backend"), bad.getMessage());
        IllegalArgumentException badEnv = assertThrows(IllegalArgumentException.class,
                () -> BackendFactory.of(all(), env("cuda"), props(null)).select(null));
        assertTrue(badEnv.getMessage().contains("cuda") && badEnv.getMessage().contains("LOGREG_BACKEND"), badEnv.getMessage());
        // A known name whose provider is not on the class path.
        BackendUnavailableException missing = assertThrows(BackendUnavailableException.class,
                () -> BackendFactory.of(List.of(reference()), env(null), props(null)).select(BackendChoice.GPU));
        assertTrue(missing.reason().contains("no such backend") && missing.reason().contains("reference"), missing.reason());
        assertThrows(IllegalArgumentException.class, () -> BackendChoice.parse(null, "test"));
        assertEquals(BackendChoice.CPU, BackendChoice.parse(" Cpu ", "test"));
    }

    /** A third-party provider is chosen by its name, from every source, like ours; auto ranks it by priority. */
    @Test
    void aThirdPartyBackendIsChosenByItsName() {
        FakeProvider tpu = new FakeProvider("Tpu", 150, () -> Availability.usable("fake accelerator"));
        FakeProvider cpu = cpu(Availability.usable("16 threads"));
        List<BackendProvider> all = List.of(cpu, tpu, reference());
        BackendFactory byArgument = BackendFactory.of(all, env(null), props(null));
        BackendFactory.Selection s = byArgument.selectByName(" TPU ");
        assertEquals("Tpu", s.name());
        assertEquals("tpu", s.requested());
        assertEquals("argument", s.source());
        assertEquals(1, s.reports().size(), "an explicit choice probes only the chosen provider");
        assertEquals("Tpu", BackendFactory.of(all, env(null), props("tpu")).select(null).name());
        assertEquals("Tpu", BackendFactory.of(all, env("tpu"), props(null)).select(null).name());
        assertEquals("cpu", BackendFactory.of(all, env(null), props(null)).selectByName(null).name(), "auto ranks by priority");
        assertEquals("cpu", byArgument.selectByName("cpu").name());
        try (Backend b = byArgument.openByName("tpu", BackendOptions.DEFAULT)) {
            assertEquals(1, tpu.creates.get());
        }
        // Unknown names list what there is; an unusable third-party choice is an error, never a substitute.
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> byArgument.selectByName("npu"));
        assertTrue(bad.getMessage().contains("'npu'") && bad.getMessage().contains("Tpu"), bad.getMessage());
        FakeProvider broken = new FakeProvider("tpu", 150, () -> Availability.unusable("no accelerator attached"));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendFactory.of(List.of(cpu, broken), env(null), props(null)).selectByName("tpu"));
        assertTrue(e.reason().contains("no accelerator attached"), e.reason());
    }

    @Test
    void aThrowingProbeCountsAsUnusable() {
        FakeProvider broken = new FakeProvider("gpu", 300, () -> {
            throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file");
        });
        FakeProvider nulls = new FakeProvider("cpu", 200, () -> null);
        BackendFactory f = BackendFactory.of(List.of(broken, nulls, reference()), env(null), props(null));
        BackendFactory.Selection s = f.select(null);
        assertEquals("reference", s.name());
        Availability a = f.availability(broken);
        assertFalse(a.usable());
        assertTrue(a.reason().contains("libcuda.so.1"), a.reason());
        assertFalse(f.availability(nulls).usable());
        assertTrue(f.availability(nulls).reason().contains("null"), f.availability(nulls).reason());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> f.select(BackendChoice.GPU));
        assertTrue(e.reason().contains("libcuda.so.1"), e.reason());
    }

    @Test
    void probesHappenOncePerFactory() {
        FakeProvider gpu = gpu(Availability.unusable("no device"));
        FakeProvider cpu = cpu(Availability.usable("4 threads"));
        FakeProvider ref = reference();
        BackendFactory f = BackendFactory.of(List.of(gpu, cpu, ref), env(null), props(null));
        for (int i = 0; i < 3; i++) {
            f.select(null);
            f.select(BackendChoice.CPU);
            f.report();
            f.availability(gpu);
        }
        assertEquals(1, gpu.probes.get());
        assertEquals(1, cpu.probes.get());
        assertEquals(1, ref.probes.get());
        // A second factory probes again: the answer is remembered per factory, not globally.
        BackendFactory.of(List.of(gpu, cpu, ref), env(null), props(null)).select(null);
        assertEquals(2, gpu.probes.get());
    }

    @Test
    void openStartsTheSelectedBackend() {
        FakeProvider cpu = cpu(Availability.usable("4 threads"));
        BackendFactory f = BackendFactory.of(List.of(gpu(Availability.unusable("none")), cpu), env(null), props(null));
        try (Backend b = f.open(null, BackendOptions.DEFAULT)) {
            assertInstanceOf(ReferenceBackend.class, b);
        }
        assertEquals(1, cpu.creates.get());
    }

    @Test
    void factoryCopiesItsInputs() {
        List<BackendProvider> providers = new ArrayList<>(List.of(reference()));
        Properties p = props("reference");
        BackendFactory f = BackendFactory.of(providers, env(null), p);
        providers.clear();
        p.setProperty(BackendFactory.PROPERTY, "gpu");
        assertEquals("reference", f.select(null).name());
        assertEquals(1, f.providers().size());
    }

    @Test
    void discoverInTheApiAloneFindsTheReferenceBackend() {
        BackendFactory f = BackendFactory.discover();
        assertEquals(List.of("reference"), f.providers().stream().map(BackendProvider::name).toList());
        BackendFactory.Selection s = f.select(BackendChoice.REFERENCE);
        assertEquals("reference", s.name());
        try (Backend b = s.provider().create(BackendOptions.DEFAULT)) {
            assertEquals("reference", b.name());
        }
    }

    @Test
    void optionsValidate() {
        assertThrows(IllegalArgumentException.class, () -> new BackendOptions(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BackendOptions(0, -2));
        assertEquals(3, BackendOptions.DEFAULT.withThreads(3).threads());
        assertEquals(1, BackendOptions.DEFAULT.expectedFits(), "one fit unless told");
        BackendOptions o = new BackendOptions(2, 1).withExpectedFits(16);
        assertEquals(new BackendOptions(2, 1, 16), o);
        assertEquals(new BackendOptions(3, 1, 16), o.withThreads(3), "withThreads keeps the other options");
        assertEquals(new BackendOptions(2, 4, 16), o.withDeviceIndex(4), "and withDeviceIndex");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendOptions.DEFAULT.withExpectedFits(0));
        assertEquals("expected fits is 0, expected at least 1", e.getMessage());
        assertThrows(NullPointerException.class, () -> new Availability(true, null));
    }
}
