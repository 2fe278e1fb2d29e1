package dev.scriptorium.openai;

import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptWord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished transcript in the shapes of OpenAI's {@code /v1/audio/transcriptions}: {@code json} and
 * {@code verbose_json}. What Scriptorium does not know (token ids, the sampling temperature of each segment) is sent
 * as OpenAI's schema allows: an empty list and 0.
 */
public final class OpenAiTranscript {
    private OpenAiTranscript() {
    }

    /** {@code {"text": ...}} */
    public static Map<String, Object> json(Transcript transcript) {
        return Map.of("text", transcript.text());
    }

    /**
     * @param task     {@code transcribe} or {@code translate}
     * @param language the Whisper code of the language the job ran in
     * @param duration the media's length in seconds
     * @param words    whether {@code words} was asked for ({@code timestamp_granularities[]=word})
     * @param segments whether {@code segments} was asked for (the default, or {@code =segment})
     */
    public static Map<String, Object> verbose(Transcript transcript, String task, String language, double duration,
                                              boolean words, boolean segments) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("task", task);
        answer.put("language", LanguageNames.of(language).orElse(language));
        answer.put("duration", duration);
        answer.put("text", transcript.text());
        List<Map<String, Object>> segmentList = new ArrayList<>();
        List<Map<String, Object>> allWords = new ArrayList<>();
        int id = 0;
        for (TranscriptSegment segment : transcript.segments()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", id++);
            // OpenAI's seek is where the segment's 30 s window starts, in 10 ms mel frames.
            item.put("seek", (int) Math.floor(segment.start() / 30) * 3000);
            item.put("start", segment.start());
            item.put("end", segment.end());
            item.put("text", " " + segment.text().strip());
            item.put("tokens", List.of());
            item.put("temperature", 0.0);
            item.put("avg_logprob", segment.avgLogprob().orElse(0.0));
            item.put("compression_ratio", segment.compressionRatio().orElse(0.0));
            item.put("no_speech_prob", segment.noSpeechProb().orElse(0.0));
            segmentList.add(item);
            for (TranscriptWord word : segment.words()) {
                Map<String, Object> spoken = new LinkedHashMap<>();
                spoken.put("word", word.text().strip());
                spoken.put("start", word.start());
                spoken.put("end", word.end());
                allWords.add(spoken);
            }
        }
        if (segments) {
            answer.put("segments", segmentList);
        }
        if (words) {
            answer.put("words", allWords);
        }
        return answer;
    }
}
