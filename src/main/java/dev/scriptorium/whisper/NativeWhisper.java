package dev.scriptorium.whisper;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and loads whisper.cpp's library through JNA, and refuses any library whose struct layouts may differ from the
 * v1.7.1 ones that {@link FullParams} and {@link ContextParams} pin.
 *
 * <p>By default the library is the one whisper-jni ships in its jar ({@code debian-amd64/libwhisper.so.1}, with ggml
 * beside it), copied into the process's temp directory; like whisper-jni, the AVX2/FMA/F16C build of ggml is chosen
 * when the CPU has those instructions and the plain one otherwise. A directory given instead (a CUDA build,
 * {@code WHISPER_NATIVE_DIR}) must hold {@code libwhisper.so} of the same version with its ggml libraries.
 *
 * <p>The version check reads whisper.cpp's own defaults back through the pinned layouts: a library of another version
 * either lacks a function, exports one that 1.7.1 did not have, or gives other defaults at the pinned offsets.
 */
final class NativeWhisper {
    static final String VERSION = "1.7.1";
    private static final String JAR_DIR = "debian-amd64/";
    private static final String AVX2_GGML = "libggml+mf16c+mfma+mavx+mavx2.so";
    /** Functions that 1.7.1 lacks, with the version that added them: their presence means a newer library. */
    private static final Map<String, String> NEWER = Map.of(
            "whisper_get_timings", "1.7.2",
            "whisper_full_get_segment_no_speech_prob", "1.7.4",
            "whisper_vad_default_params", "1.7.6",
            "whisper_version", "1.8");

    private NativeWhisper() {
    }

    /**
     * Loads the library once per directory and checks its version.
     *
     * @param customDir a directory holding a {@code libwhisper.so} of v1.7.1 (e.g. built with CUDA); empty for the
     *                  library that whisper-jni ships
     * @throws ModelException naming what was found, if the library cannot be loaded or is not v1.7.1
     */
    static WhisperLibrary load(Optional<Path> customDir) throws ModelException {
        Path library;
        try {
            library = customDir.isPresent() ? customDir.get().resolve("libwhisper.so") : extractShipped();
        } catch (IOException e) {
            throw new ModelException("Cannot unpack whisper.cpp's library from the whisper-jni jar: " + e);
        }
        if (!Files.isRegularFile(library)) {
            throw new ModelException("No whisper.cpp library at " + library + " (WHISPER_NATIVE_DIR must hold a "
                    + "libwhisper.so of whisper.cpp " + VERSION + ")");
        }
        NativeLibrary handle;
        try {
            handle = NativeLibrary.getInstance(library.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new ModelException(library + " is not a loadable whisper.cpp library: " + firstLine(e));
        }
        checkVersion(handle, library);
        WhisperLibrary whisper = Native.load(library.toAbsolutePath().toString(), WhisperLibrary.class);
        checkDefaults(whisper, library);
        return whisper;
    }

    private static void checkVersion(NativeLibrary handle, Path library) throws ModelException {
        for (Map.Entry<String, String> newer : NEWER.entrySet()) {
            Optional<Function> found = function(handle, newer.getKey());
            if (found.isPresent()) {
                String version = newer.getKey().equals("whisper_version")
                        ? String.valueOf(found.get().invokeString(new Object[0], false)) : newer.getValue() + " or newer";
                throw new ModelException(library + " is whisper.cpp " + version + " (it exports " + newer.getKey()
                        + "), not " + VERSION + ": Scriptorium's binding is pinned to " + VERSION
                        + "'s struct layouts. Use the library whisper-jni " + VERSION + " ships, or build whisper.cpp v"
                        + VERSION + " (see Dockerfile.gpu).");
            }
        }
        for (String needed : List.of("whisper_full_default_params_by_ref", "whisper_context_default_params_by_ref",
                "whisper_full_with_state", "whisper_full_get_token_data_from_state",
                "whisper_lang_auto_detect_with_state", "whisper_full_lang_id_from_state")) {
            if (function(handle, needed).isEmpty()) {
                throw new ModelException(library + " is not whisper.cpp " + VERSION + ": it lacks " + needed
                        + ". Use the library whisper-jni " + VERSION + " ships, or build whisper.cpp v" + VERSION
                        + " (see Dockerfile.gpu).");
            }
        }
    }

    /** Reads both default structs back through the pinned layouts; any field off means another layout. */
    private static void checkDefaults(WhisperLibrary whisper, Path library) throws ModelException {
        List<String> wrong = new ArrayList<>();
        Pointer fullMemory = whisper.whisper_full_default_params_by_ref(WhisperLibrary.SAMPLING_GREEDY);
        try {
            FullParams full = new FullParams(fullMemory);
            expect(wrong, "strategy", full.strategy, 0);
            expect(wrong, "n_max_text_ctx", full.n_max_text_ctx, 16384);
            expect(wrong, "no_context", full.no_context, 1);
            expect(wrong, "print_progress", full.print_progress, 1);
            expect(wrong, "print_timestamps", full.print_timestamps, 1);
            expect(wrong, "thold_pt", full.thold_pt, 0.01f);
            expect(wrong, "language", full.language == null ? null : full.language.getString(0), "en");
            expect(wrong, "suppress_blank", full.suppress_blank, 1);
            expect(wrong, "max_initial_ts", full.max_initial_ts, 1.0f);
            expect(wrong, "temperature_inc", full.temperature_inc, 0.2f);
            expect(wrong, "entropy_thold", full.entropy_thold, 2.4f);
            expect(wrong, "logprob_thold", full.logprob_thold, -1.0f);
            expect(wrong, "no_speech_thold", full.no_speech_thold, 0.6f);
            expect(wrong, "greedy.best_of", full.greedy_best_of, 5);
            expect(wrong, "beam_search.beam_size", full.beam_search_beam_size, -1);
            expect(wrong, "grammar_penalty", full.grammar_penalty, 100.0f);
        } finally {
            whisper.whisper_free_params(fullMemory);
        }
        Pointer contextMemory = whisper.whisper_context_default_params_by_ref();
        try {
            ContextParams context = new ContextParams(contextMemory);
            expect(wrong, "flash_attn", context.flash_attn, 0);
            expect(wrong, "dtw_n_top", context.dtw_n_top, -1);
            expect(wrong, "dtw_mem_size", context.dtw_mem_size, 128L * 1024 * 1024);
        } finally {
            whisper.whisper_free_context_params(contextMemory);
        }
        if (!wrong.isEmpty()) {
            throw new ModelException(library + " is not whisper.cpp " + VERSION + ": its default parameters read"
                    + " back as " + String.join(", ", wrong) + ". Scriptorium's binding is pinned to " + VERSION
                    + "'s struct layouts and will not run on another. Use the library whisper-jni " + VERSION
                    + " ships, or build whisper.cpp v" + VERSION + " (see Dockerfile.gpu).");
        }
    }

    private static void expect(List<String> wrong, String field, Object found, Object expected) {
        boolean same = found instanceof Number number && expected instanceof Number wanted
                ? number.doubleValue() == wanted.doubleValue() : String.valueOf(found).equals(String.valueOf(expected));
        if (!same) {
            wrong.add(field + " = " + found + " (" + VERSION + ": " + expected + ")");
        }
    }

    private static Optional<Function> function(NativeLibrary handle, String name) {
        try {
            return Optional.of(handle.getFunction(name));
        } catch (UnsatisfiedLinkError missing) {
            return Optional.empty();
        }
    }

    /**
     * Copies the shipped library and the ggml build this CPU can run into a directory of the temp dir named for the
     * variant, once; later starts reuse it. The copy is written under a temporary name and moved into place, so a
     * process that starts meanwhile never loads half a file.
     */
    static Path extractShipped() throws IOException {
        boolean avx2 = cpuHas("avx", "avx2", "fma", "f16c");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "scriptorium-whisper-" + VERSION + (avx2 ? "-avx2" : "-plain"));
        Files.createDirectories(dir);
        copy(JAR_DIR + (avx2 ? AVX2_GGML : "libggml.so"), dir.resolve("libggml.so"));
        Path library = dir.resolve("libwhisper.so.1");
        copy(JAR_DIR + "libwhisper.so.1", library);
        return library;
    }

    private static void copy(String resource, Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            return;
        }
        try (InputStream in = NativeWhisper.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the whisper-jni jar has no " + resource);
            }
            Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean cpuHas(String... flags) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    List<String> present = List.of(line.substring(line.indexOf(':') + 1).trim()
                            .toLowerCase(Locale.ROOT).split("\\s+"));
                    return present.containsAll(List.of(flags));
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
