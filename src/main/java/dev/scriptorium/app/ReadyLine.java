package dev.scriptorium.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The log line that says a role is ready, with every port it listens on and what each is for. */
final class ReadyLine {
    private ReadyLine() {
    }

    /**
     * @param host       HTTP_HOST; a wildcard address is shown as localhost
     * @param dashboards the first of the two dashboard ports, if they run
     */
    static String of(Role role, long millis, String host, Optional<Integer> http, Optional<Integer> management,
                     Optional<Integer> dashboards) {
        List<String> ports = new ArrayList<>();
        http.ifPresent(port -> ports.add("http://" + shown(host) + ":" + port + " (page and API)"));
        management.ifPresent(port -> ports.add("management " + port + " (/healthz /readyz /metrics)"));
        dashboards.ifPresent(port -> ports.add("dashboards " + port + " and " + (port + 1)));
        return "Scriptorium " + role.cliName() + " ready in " + millis + " ms"
                + (ports.isEmpty() ? "" : ": " + String.join(", ", ports));
    }

    private static String shown(String host) {
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "localhost";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
