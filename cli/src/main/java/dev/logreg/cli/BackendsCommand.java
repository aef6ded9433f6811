package dev.logreg.cli;

import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code logreg backends}: every backend found, usable or not, and why. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every backend on the class path, in priority order, whether it can run here and why, and which one auto would choose.",
        footer = {"", "Examples:", "  logreg backends", "  logreg backends --json", "  LOGREG_BACKEND=cpu logreg backends"})
final class BackendsCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() {
        BackendFactory f = BackendFactory.discover();
        List<BackendFactory.BackendReport> reports = f.report();
        String selected;
        String reason;
        try {
            BackendFactory.Selection s = f.select(null);
            selected = s.name();
            reason = s.reason();
        } catch (BackendUnavailableException | IllegalArgumentException e) {
            selected = null;
            reason = e.getMessage();
        }
        PrintWriter out = parent.out;
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (BackendFactory.BackendReport r : reports) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", r.name());
                m.put("priority", r.priority());
                m.put("usable", r.availability().usable());
                m.put("reason", r.availability().reason());
                list.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("backends", list);
            doc.put("selected", selected);
            doc.put("selectionReason", reason);
            out.println(Json.write(doc));
        } else {
            for (BackendFactory.BackendReport r : reports) {
                out.printf("%-10s %-9s %s%n", r.name(), r.availability().usable() ? "usable" : "unusable", r.availability().reason());
            }
            out.println(selected == null ? "no backend would be chosen: " + reason : "default choice: " + selected + " (" + reason + ")");
        }
        out.flush();
        return Cli.OK;
    }
}
