package dev.scriptorium.app;

/**
 * A TCP port a role listens on, with what a person should do when it is taken.
 *
 * @param variable the environment variable that sets the port
 * @param host     the address it binds to; null for every address
 * @param port     0 for a port the system picks
 * @param advice   how to free the port, e.g. "set HTTP_PORT to a free port"
 */
record Listener(String variable, String host, int port, String advice) {
    static Listener of(String variable, String host, int port) {
        return new Listener(variable, host, port, "set " + variable + " to a free port");
    }

    /** JobRunr's two dashboards take DASHBOARD_PORT and the port after it, on every address. */
    static Listener dashboard(int first, int port) {
        return new Listener("DASHBOARD_PORT", null, port, "set DASHBOARD_PORT to a port whose next one is free too"
                + " (the dashboards take " + first + " and " + (first + 1) + "), or to 0 to turn them off");
    }

    String inUse() {
        return "Port " + port + " is already in use; " + advice + " (or stop what uses it).";
    }
}
