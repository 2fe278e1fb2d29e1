package dev.scriptorium.sandbox;

/** A request was stopped by killing its child: it stopped making progress, or it ran past the job's time limit. */
public final class TimedOutException extends Exception {
    public enum Why {
        /** The child used (almost) no CPU for HANG_SECONDS: stuck on a read, or deadlocked. */
        HUNG,
        /** The job ran past its wall-clock limit, the last resort for work that runs but never ends. */
        TIME_LIMIT
    }

    private final Why why;
    private final String doing;

    /** @param doing what the child was doing, in words for users ("transcribing") */
    public TimedOutException(Why why, String doing) {
        super((why == Why.HUNG ? "stopped after using no CPU while " : "stopped after the time limit while ") + doing);
        this.why = why;
        this.doing = doing;
    }

    public Why why() {
        return why;
    }

    public String doing() {
        return doing;
    }
}
