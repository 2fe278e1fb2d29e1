package dev.scriptorium.app;

/** A port the role must listen on is taken; the message names the port and the variable that moves it. */
public final class PortInUseException extends RuntimeException {
    PortInUseException(Listener listener, Throwable cause) {
        super(listener.inUse(), cause, false, false);
    }
}
