package dev.scriptorium.media;

import dev.scriptorium.transcription.FailureCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * An uploaded media file opened through FFmpeg (JavaCV) for reading its audio as 16 kHz mono float PCM.
 *
 * <p>FFmpeg is confined to local files and to real media containers: without both whitelists, a DASH manifest, an
 * ffconcat list or an HLS playlist disguised as a video makes FFmpeg read other files on this machine. The file is
 * always opened by path, never from a stream, which would bypass the whitelists and buffer everything in memory.
 *
 * <p>Not thread-safe: one thread opens, reads and closes it.
 */
public final class MediaFile implements AutoCloseable {
    public static final int SAMPLE_RATE = 16_000;
    static final String FORMAT_WHITELIST =
            "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mp3,wav,ogg,flac,aac,avi,mpegts,asf,flv";
    /** A file whose audio ends this much before the declared duration is treated as cut off. */
    private static final double TRUNCATION_TOLERANCE = 0.9;

    static {
        // FFmpeg prints every file's stream summary to stderr by default; keep only its errors.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final MediaInfo info;
    /** Where the file's timeline begins, in microseconds of its own clock (MPEG-TS files rarely start at 0). */
    private final long startMicros;
    /** Where the audio stream says it ends, in seconds from the file's start; 0 if the container does not say. */
    private final double audioDeclaredEnd;

    private MediaFile(Path path, FFmpegFrameGrabber grabber, MediaInfo info, long startMicros,
                      double audioDeclaredEnd) {
        this.path = path;
        this.grabber = grabber;
        this.info = info;
        this.startMicros = startMicros;
        this.audioDeclaredEnd = audioDeclaredEnd;
    }

    /**
     * Opens and probes the file.
     *
     * @param originalName the uploader's file name, used only to name the container family (mkv vs webm)
     * @throws MediaRejectedException if the file is empty, not a supported media format, or has no audio
     */
    public static MediaFile open(Path path, String originalName) throws MediaRejectedException, IOException {
        if (Files.size(path) == 0) {
            throw new MediaRejectedException(FailureCode.EMPTY_FILE,
                    "The uploaded file is empty (0 bytes). Upload the complete video or audio file.");
        }
        FFmpegFrameGrabber grabber = confined(path);
        grabber.setSampleRate(SAMPLE_RATE);
        grabber.setAudioChannels(1);
        grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new MediaRejectedException(FailureCode.UNSUPPORTED_FORMAT, "The file is not a video or audio "
                    + "format Scriptorium can read. Supported: MP4/MOV/M4A, MKV, WebM, MP3, WAV, Ogg, FLAC, AAC, AVI, "
                    + "MPEG-TS, ASF/WMV and FLV. Playlists and manifests (m3u8, mpd, concat lists) are not accepted.");
        }
        if (!grabber.hasAudio() || grabber.getAudioChannels() <= 0) {
            closeQuietly(grabber);
            throw new MediaRejectedException(FailureCode.NO_AUDIO,
                    "The file has no audio track, so there is nothing to transcribe. Upload a file with sound.");
        }
        long lengthMicros = grabber.getLengthInTime();
        MediaInfo info = new MediaInfo(containerName(grabber.getFormat(), originalName),
                codecName(grabber.getAudioCodec()), lengthMicros > 0 ? lengthMicros / 1_000_000.0 : 0);
        long startMicros = startMicros(grabber.getFormatContext());
        return new MediaFile(path, grabber, info, startMicros,
                audioDeclaredEnd(grabber.getFormatContext(), grabber.getAudioStream(), startMicros));
    }

    /** FFmpeg confined to this one local file and to real media containers (see the class comment). */
    private static FFmpegFrameGrabber confined(Path path) {
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
        grabber.setOption("protocol_whitelist", "file");
        grabber.setOption("format_whitelist", FORMAT_WHITELIST);
        return grabber;
    }

    private static long startMicros(AVFormatContext format) {
        return format.start_time() == avutil.AV_NOPTS_VALUE ? 0 : format.start_time();
    }

    /** The audio stream's own start plus duration (MP4 and MOV have it; Matroska and WebM do not). */
    private static double audioDeclaredEnd(AVFormatContext format, int audioStream, long startMicros) {
        if (audioStream < 0 || audioStream >= format.nb_streams()) {
            return 0;
        }
        AVStream stream = format.streams(audioStream);
        if (stream.duration() == avutil.AV_NOPTS_VALUE || stream.duration() <= 0) {
            return 0;
        }
        double timeBase = avutil.av_q2d(stream.time_base());
        double start = stream.start_time() == avutil.AV_NOPTS_VALUE ? startMicros / 1e6
                : stream.start_time() * timeBase;
        return start - startMicros / 1e6 + stream.duration() * timeBase;
    }

    public MediaInfo info() {
        return info;
    }

    /**
     * Decodes the audio into {@code target} as little-endian float32 mono samples at 16 kHz.
     *
     * @param maxSeconds stop with {@code too_long} once more audio than this has been decoded (for containers
     *                   that declare no duration)
     * @param progress   told the seconds decoded so far, now and then
     * @return how many samples were written, and where on the media's timeline the first of them lies
     * @throws MediaRejectedException if decoding fails, yields no audio, or the file ends well before the duration
     *                                it declares
     */
    public ExtractedAudio extractPcm(Path target, double maxSeconds, DoubleConsumer progress)
            throws MediaRejectedException, IOException {
        long samples = 0;
        long firstTimestamp = -1;
        long nextReport = SAMPLE_RATE * 10L;
        ByteBuffer bytes = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Frame frame;
            while ((frame = grabSamples(samples)) != null) {
                if (frame.samples == null || frame.samples.length == 0) {
                    continue;
                }
                if (firstTimestamp < 0) {
                    firstTimestamp = frame.timestamp;
                }
                // The grabber reuses this buffer on the next grab: copy it out now.
                FloatBuffer chunk = ((FloatBuffer) frame.samples[0]).duplicate();
                while (chunk.hasRemaining()) {
                    if (bytes.remaining() < Float.BYTES) {
                        drain(bytes, out);
                    }
                    bytes.putFloat(chunk.get());
                    samples++;
                }
                if (samples / (double) SAMPLE_RATE > maxSeconds) {
                    throw new MediaRejectedException(FailureCode.TOO_LONG, tooLongMessage(maxSeconds));
                }
                if (samples >= nextReport) {
                    progress.accept(samples / (double) SAMPLE_RATE);
                    nextReport += SAMPLE_RATE * 10L;
                }
            }
            drain(bytes, out);
        }
        if (samples == 0) {
            throw new MediaRejectedException(FailureCode.CORRUPT_MEDIA,
                    "The audio track could not be decoded: no sound came out of it. The file may be damaged.");
        }
        // JavaCV's timestamps are on the file's own clock; the timeline starts at the earliest stream.
        double start = Math.max(0, (firstTimestamp - startMicros) / 1e6);
        ExtractedAudio audio = new ExtractedAudio(samples, start);
        rejectIfCutOff(audio);
        progress.accept(audio.seconds());
        return audio;
    }

    /**
     * Tells a file cut off in transfer from one whose streams differ in length (a silent outro, a microphone that
     * stopped first, a late-starting audio track). Only when the audio falls short of what was declared are all of the
     * file's packets read, without decoding, to see how far its streams really reach.
     */
    private void rejectIfCutOff(ExtractedAudio audio) throws MediaRejectedException, IOException {
        double declared = info.durationSeconds();
        double expectedAudioEnd = audioDeclaredEnd > 0 ? audioDeclaredEnd : declared;
        if (expectedAudioEnd <= 0 || !fallsShort(audio.endSeconds(), expectedAudioEnd)) {
            return;
        }
        StreamReach reach = reach();
        if (declared > 0 && fallsShort(reach.allStreams(), declared)) {
            throw cutOff(reach.allStreams(), declared);
        }
        if (audioDeclaredEnd > 0 && fallsShort(reach.audio(), audioDeclaredEnd)) {
            throw cutOff(reach.audio(), audioDeclaredEnd);
        }
    }

    /**
     * Audio and video proper: a timecode or data track may be one packet that claims the whole length, and cover art
     * is a single picture.
     */
    private static boolean timed(AVStream stream) {
        int type = stream.codecpar().codec_type();
        boolean picture = (stream.disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) != 0;
        return type == avutil.AVMEDIA_TYPE_AUDIO || type == avutil.AVMEDIA_TYPE_VIDEO && !picture;
    }

    private static boolean fallsShort(double reached, double declared) {
        return reached < declared * TRUNCATION_TOLERANCE - 1.0;
    }

    private static MediaRejectedException cutOff(double reached, double declared) {
        return new MediaRejectedException(FailureCode.TRUNCATED_MEDIA, String.format(Locale.ROOT,
                "The file looks cut off: its data ends at %.1f s, but the file says it lasts %.1f s. "
                        + "Upload the complete file.", reached, declared));
    }

    /** Reads every packet of the file (no decoding: a few milliseconds per minute of media). */
    private StreamReach reach() throws MediaRejectedException {
        FFmpegFrameGrabber packets = confined(path);
        try {
            packets.start();
            AVFormatContext format = packets.getFormatContext();
            int audioStream = packets.getAudioStream();
            double furthest = 0;
            double audio = 0;
            AVPacket packet;
            while ((packet = packets.grabPacket()) != null) {
                long timestamp = packet.pts() != avutil.AV_NOPTS_VALUE ? packet.pts() : packet.dts();
                if (timestamp == avutil.AV_NOPTS_VALUE || packet.stream_index() >= format.nb_streams()) {
                    continue;
                }
                AVStream stream = format.streams(packet.stream_index());
                if (!timed(stream)) {
                    continue;
                }
                double end = (timestamp + Math.max(0, packet.duration())) * avutil.av_q2d(stream.time_base())
                        - startMicros / 1e6;
                furthest = Math.max(furthest, end);
                if (packet.stream_index() == audioStream) {
                    audio = Math.max(audio, end);
                }
            }
            return new StreamReach(furthest, audio);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new MediaRejectedException(FailureCode.CORRUPT_MEDIA,
                    "The file could not be read to its end; it may be damaged. Upload it again.");
        } finally {
            closeQuietly(packets);
        }
    }

    public static String tooLongMessage(double maxSeconds) {
        return String.format(Locale.ROOT, "The media is longer than the limit of %s. Split it into shorter parts.",
                formatDuration(maxSeconds));
    }

    private Frame grabSamples(long samplesSoFar) throws MediaRejectedException {
        try {
            return grabber.grabSamples();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new MediaRejectedException(FailureCode.CORRUPT_MEDIA, String.format(Locale.ROOT,
                    "The audio could not be decoded after %.1f s; the file may be damaged.",
                    samplesSoFar / (double) SAMPLE_RATE));
        }
    }

    private static void drain(ByteBuffer bytes, FileChannel out) throws IOException {
        bytes.flip();
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        bytes.clear();
    }

    private static String containerName(String format, String originalName) {
        if (format == null || format.isBlank()) {
            return "unknown";
        }
        String[] names = format.split(",");
        String extension = extension(originalName);
        for (String name : names) {
            if (name.equals(extension)) {
                return name;
            }
        }
        return "matroska".equals(names[0]) ? "mkv" : names[0];
    }

    private static String extension(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The codec's own name ("mp3"), not the decoder's ("mp3float"). */
    private static String codecName(int codecId) {
        BytePointer name = avcodec.avcodec_get_name(codecId);
        String value = name == null ? null : name.getString();
        return value == null || value.isBlank() ? "unknown" : value;
    }

    static String formatDuration(double seconds) {
        long total = Math.round(seconds);
        return total >= 3600 && total % 60 == 0
                ? String.format(Locale.ROOT, "%d h %02d min", total / 3600, (total % 3600) / 60)
                : String.format(Locale.ROOT, "%d s", total);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (Exception ignored) {
            // Already failing; the original problem is what matters.
        }
    }

    @Override
    public void close() {
        closeQuietly(grabber);
    }
}
