package dev.logreg.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and chooses one.
 *
 * <p>The choice comes from, in order of precedence: the argument of {@link #open}/{@link #select} (or, by name, {@link #openByName}/{@link #selectByName}; the API or CLI
 * argument; {@code null} means "not given"), then the system property {@code logreg.backend}, then the environment
 * variable {@code LOGREG_BACKEND}, then {@code auto}. A choice is {@code auto} or the name of a backend: a built-in
 * one ({@link BackendChoice}: {@code cpu}, {@code gpu}, {@code reference}) or any provider's {@link
 * BackendProvider#name()} on the class path, so that a third-party backend can be chosen exactly like ours (names
 * are matched ignoring case and surrounding blanks). In {@code auto} mode the usable backend of highest priority
 * wins (GPU, then CPU, then reference) and the selection says why the others were passed over. An explicit choice
 * that cannot start is an error ({@link BackendUnavailableException}), never a silent substitute.
 *
 * <p>Each factory probes each provider at most once and remembers the answer. There is no global instance: the
 * environment and properties are read when {@link #discover()} is called, or passed in for tests. Thread-safe.
 */
public final class BackendFactory {
    /** System property naming the backend. */
    public static final String PROPERTY = "logreg.backend";
    /** Environment variable naming the backend. */
    public static final String ENVIRONMENT = "LOGREG_BACKEND";

    private final List<BackendProvider> providers;
    private final Map<String, String> environment;
    private final Properties properties;
    private final Map<String, Availability> probed = new HashMap<>();

    private BackendFactory(List<BackendProvider> providers, Map<String, String> environment, Properties properties) {
        List<BackendProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(BackendProvider::priority).reversed().thenComparing(BackendProvider::name));
        java.util.Set<String> names = new java.util.HashSet<>();
        for (BackendProvider p : sorted) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("two backend providers are named '" + p.name() + "' (" + p.getClass().getName()
                        + " and another); remove one from the class path");
            }
        }
        this.providers = List.copyOf(sorted);
        this.environment = Map.copyOf(environment);
        Properties copy = new Properties();
        copy.putAll(properties);
        this.properties = copy;
    }

    /** Every provider on the class path, with this process's environment and system properties. */
    public static BackendFactory discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /** Every provider visible to {@code loader}, with this process's environment and system properties. */
    public static BackendFactory discover(ClassLoader loader) {
        List<BackendProvider> found = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, loader)) found.add(p);
        return new BackendFactory(found, System.getenv(), System.getProperties());
    }

    /** A factory over the given providers, environment and properties (for tests and embedders). */
    public static BackendFactory of(List<BackendProvider> providers, Map<String, String> environment, Properties properties) {
        return new BackendFactory(providers, environment, properties);
    }

    /** One line per backend, in priority order: whether it is usable and why. */
    public record BackendReport(String name, int priority, Availability availability) {
        @Override
        public String toString() {
            return name + ": " + (availability.usable() ? "usable (" : "unusable (") + availability.reason() + ")";
        }
    }

    /**
     * What {@link #select} decided.
     *
     * @param requested the choice in force: {@code auto} or a backend's name, lower case
     * @param source    where it came from: {@code argument}, {@code -Dlogreg.backend}, {@code LOGREG_BACKEND} or {@code default}
     * @param provider  the provider chosen
     * @param reason    one line saying why (in {@code auto} mode, why the better ones were passed over)
     * @param reports   the reports of the backends probed to make the choice (all of them in {@code auto} mode; the
     *                  chosen one alone for an explicit choice, so that asking for {@code cpu} never loads CUDA)
     */
    public record Selection(String requested, String source, BackendProvider provider, String reason,
                            List<BackendReport> reports) {
        /** The chosen backend's name. */
        public String name() { return provider.name(); }
    }

    /** Every provider's report, probing those not probed yet. */
    public List<BackendReport> report() {
        List<BackendReport> out = new ArrayList<>();
        for (BackendProvider p : providers) out.add(new BackendReport(p.name(), p.priority(), availability(p)));
        return out;
    }

    /** The providers found, highest priority first. */
    public List<BackendProvider> providers() { return providers; }

    /** Probes {@code provider} once per factory; a probe that throws counts as unusable, with its message. */
    public Availability availability(BackendProvider provider) {
        synchronized (probed) {
            Availability a = probed.get(provider.name());
            if (a == null) {
                try {
                    a = Objects.requireNonNull(provider.probe(), "probe() returned null");
                } catch (RuntimeException | LinkageError e) {
                    a = Availability.unusable("probe failed: " + e);
                }
                probed.put(provider.name(), a);
            }
            return a;
        }
    }

    /**
     * The choice in force ({@code auto} or a backend's name, lower case) and where it came from, given the API or
     * CLI argument ({@code null} if not given).
     *
     * @throws IllegalArgumentException where the name is neither {@code auto}, a built-in backend's name, nor the name of
     *                                  a provider on the class path (the message names the source and the valid names)
     */
    public Map.Entry<String, String> resolve(String argument) {
        return resolve(argument, "argument");
    }

    /**
     * As {@link #resolve(String)}, naming the argument's origin (for example a command-line flag) in the result and
     * in an error, so that a bad name is reported where the user typed it.
     */
    public Map.Entry<String, String> resolve(String argument, String argumentSource) {
        Objects.requireNonNull(argumentSource, "argumentSource");
        if (argument != null) return Map.entry(checkedName(argument, argumentSource), argumentSource);
        String prop = properties.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) return Map.entry(checkedName(prop, "-D" + PROPERTY), "-D" + PROPERTY);
        String env = environment.get(ENVIRONMENT);
        if (env != null && !env.isBlank()) return Map.entry(checkedName(env, ENVIRONMENT), ENVIRONMENT);
        return Map.entry(BackendChoice.AUTO.id(), "default");
    }

    /** {@code text} as a backend name: trimmed, lower case, and known (built-in or found on the class path). */
    private String checkedName(String text, String where) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        for (BackendChoice c : BackendChoice.values()) {
            if (c.id().equals(t)) return t;
        }
        for (BackendProvider p : providers) {
            if (p.name().equalsIgnoreCase(t)) return t;
        }
        throw new IllegalArgumentException("backend '" + text + "' from " + where + " is not one of auto, cpu, gpu, reference"
                + (providers.isEmpty() ? "" : " or a backend on the class path (found: " + names() + ")"));
    }

    /**
     * Chooses a backend without starting it.
     *
     * @param argument the API or CLI choice, or {@code null} to defer to the property, the environment, then auto
     * @throws BackendUnavailableException where an explicit choice is unknown or unusable, or nothing is usable
     */
    public Selection select(BackendChoice argument) {
        return selectByName(argument == null ? null : argument.id());
    }

    /**
     * Chooses a backend by name without starting it: {@code auto}, a built-in backend's name or any provider's name on
     * the class path (see the class comment). (Not an overload of {@link #select(BackendChoice)}: {@code select(null)}
     * must stay unambiguous for existing callers.)
     *
     * @param name the API or CLI choice, or {@code null} to defer to the property, the environment, then auto
     * @throws IllegalArgumentException    where the name is unknown (the message lists the valid names)
     * @throws BackendUnavailableException where the chosen backend is missing or unusable, or nothing is usable
     */
    public Selection selectByName(String name) {
        Map.Entry<String, String> choice = resolve(name);
        if (!choice.getKey().equals(BackendChoice.AUTO.id())) {
            String wanted = choice.getKey();
            for (BackendProvider p : providers) {
                if (p.name().equalsIgnoreCase(wanted)) {
                    Availability a = availability(p);
                    if (!a.usable()) throw new BackendUnavailableException(wanted, a.reason() + " (chosen by " + choice.getValue() + ")");
                    return new Selection(choice.getKey(), choice.getValue(), p, "chosen by " + choice.getValue() + ": " + a.reason(),
                            List.of(new BackendReport(p.name(), p.priority(), a)));
                }
            }
            throw new BackendUnavailableException(wanted, "no such backend on the class path (found: " + names() + ")");
        }
        List<BackendReport> reports = report();
        StringBuilder passedOver = new StringBuilder();
        for (BackendProvider p : providers) {
            Availability a = availability(p);
            if (a.usable()) {
                String why = "auto: chose " + p.name() + (passedOver.length() == 0 ? "" : " (" + passedOver + ")");
                return new Selection(choice.getKey(), choice.getValue(), p, why, reports);
            }
            if (passedOver.length() > 0) passedOver.append("; ");
            passedOver.append(p.name()).append(" unusable: ").append(a.reason());
        }
        throw new BackendUnavailableException("auto", "no usable backend (" + (passedOver.length() == 0 ? "none found" : passedOver) + ")");
    }

    /** Chooses ({@link #select(BackendChoice)}) and starts a backend. Caller closes it. */
    public Backend open(BackendChoice argument, BackendOptions options) {
        return select(argument).provider().create(options);
    }

    /** Chooses by name ({@link #selectByName(String)}) and starts a backend. Caller closes it. */
    public Backend openByName(String name, BackendOptions options) {
        return selectByName(name).provider().create(options);
    }

    /**
     * A backend started for a fit ({@link #openFor}); the caller closes {@code backend}.
     *
     * @param note why {@code auto} passed over backends of higher priority for these data, or {@code null}
     */
    public record Opened(Backend backend, String note) {}

    /**
     * Chooses ({@link #selectByName}) and starts a backend for {@code data}. Dense data: exactly
     * {@link #openByName}. Sparse (CSR) data train only on a backend whose {@link Backend#supportsSparse()} is true;
     * that is known once a backend runs, so in {@code auto} mode the usable backends are started in priority order
     * and the first that takes sparse data is kept (every other one closed at once), the note naming those passed
     * over; an explicit choice that does not take them is closed and refused ({@link Backend#checkLayout}).
     *
     * @param name a backend name, or {@code null} for the usual order (system property, environment, auto)
     * @throws IllegalArgumentException    where an explicitly chosen backend does not take sparse data (naming it)
     * @throws BackendUnavailableException as {@link #openByName}, or where no usable backend takes sparse data
     */
    public Opened openFor(String name, BackendOptions options, dev.logreg.data.Dataset data) {
        Objects.requireNonNull(data, "data");
        Selection sel = selectByName(name);
        Backend first = sel.provider().create(options);
        if (!data.isSparse() || first.supportsSparse()) return new Opened(first, null);
        first.close();
        if (!sel.requested().equals(BackendChoice.AUTO.id())) {
            Backend.checkLayout(first, data);   // throws, naming the backend
        }
        List<String> passed = new ArrayList<>(List.of(sel.name()));
        boolean after = false;
        for (BackendProvider p : providers) {
            if (p == sel.provider()) {
                after = true;
                continue;
            }
            if (!after || !availability(p).usable()) continue;
            Backend b;
            try {
                b = p.create(options);
            } catch (BackendUnavailableException e) {
                passed.add(p.name() + " (" + e.reason() + ")");
                continue;
            }
            if (b.supportsSparse()) {
                return new Opened(b, "auto chose " + b.name() + ": " + String.join(", ", passed) + " do" + (passed.size() == 1 ? "es" : "")
                        + " not train on sparse (CSR) data yet");
            }
            b.close();
            passed.add(p.name());
        }
        throw new BackendUnavailableException("auto", "no usable backend trains on sparse (CSR) data (passed over: " + String.join(", ", passed) + ")");
    }

    private String names() {
        List<String> n = new ArrayList<>();
        for (BackendProvider p : providers) n.add(p.name());
        return String.join(", ", n);
    }
}
