package dev.scriptorium.app;

import java.time.Duration;

/** Durations as operators write them in settings: {@code 30s}, {@code 5m}, {@code 2h}. */
final class HumanDuration {
    private HumanDuration() {
    }

    /** @throws ConfigException naming {@code variable} */
    static Duration parse(String variable, String text) {
        if (text.matches("[0-9]{1,6}[smh]")) {
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            Duration duration = switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (!duration.isZero()) {
                return duration;
            }
        }
        throw new ConfigException(variable + " holds durations such as 5s, 10m or 2h, separated by commas, but '"
                + text + "' is not one");
    }
}
