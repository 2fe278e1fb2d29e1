package dev.scriptorium.media;

/**
 * What {@link MediaFile#extractPcm} wrote.
 *
 * @param samples      16 kHz mono samples in the PCM file
 * @param startSeconds where the first of them lies on the media's own timeline: above zero when the audio starts
 *                     after the picture (an offset track), so that transcript times can match the video
 */
public record ExtractedAudio(long samples, double startSeconds) {
    public double seconds() {
        return samples / (double) MediaFile.SAMPLE_RATE;
    }

    public double endSeconds() {
        return startSeconds + seconds();
    }
}
