package dev.scriptorium.app;

/** "pid@host" of this process: how queue servers, chunk claims and worker heartbeats say who they are. */
public final class ProcessName {
    private ProcessName() {
    }

    public static String current() {
        String host = System.getenv("HOSTNAME");
        return ProcessHandle.current().pid() + "@" + (host != null && !host.isBlank() ? host : "localhost");
    }
}
