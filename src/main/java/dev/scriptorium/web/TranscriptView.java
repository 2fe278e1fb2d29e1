package dev.scriptorium.web;

import dev.scriptorium.transcription.Transcript;
import java.util.List;
import java.util.UUID;

/** The JSON shape of a transcript: the whole text and the segments, times in seconds. */
record TranscriptView(UUID jobId, String model, String text, List<Segment> segments) {

    record Segment(double start, double end, String text) {
    }

    static TranscriptView of(Transcript transcript) {
        return new TranscriptView(transcript.jobId(), transcript.model(), transcript.text(),
                transcript.segments().stream()
                        .map(segment -> new Segment(segment.start(), segment.end(), segment.text()))
                        .toList());
    }
}
