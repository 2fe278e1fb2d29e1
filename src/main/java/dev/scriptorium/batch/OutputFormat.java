package dev.scriptorium.batch;

import java.util.Locale;

/** The transcript files the command writes, each downloaded from the job's transcript in that format. */
enum OutputFormat {
    SRT, VTT, TXT, JSON;

    String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    static OutputFormat parse(String raw) {
        for (OutputFormat format : values()) {
            if (format.extension().equalsIgnoreCase(raw.strip())) {
                return format;
            }
        }
        throw new IllegalArgumentException("'" + raw + "' is not a format; use srt, vtt, txt or json");
    }
}
