package dev.scriptorium.media;

/** A stretch of samples [start, end) of a PCM file. */
public record AudioChunk(long startSample, long endSample) {
    public int length() {
        return Math.toIntExact(endSample - startSample);
    }

    public double startSeconds() {
        return startSample / (double) MediaFile.SAMPLE_RATE;
    }

    public double endSeconds() {
        return endSample / (double) MediaFile.SAMPLE_RATE;
    }
}
