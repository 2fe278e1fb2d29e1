package dev.scriptorium.batch;

import dev.scriptorium.whisper.ModelStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code transcribe PATH...}: a folder of media in, transcripts out, against a server or on its own. */
@Command(name = "transcribe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Transcribe media files and folders (walked recursively; hidden files are skipped) and write"
                + " each transcript next to its file as NAME.srt, NAME.vtt, NAME.txt and NAME.json.",
                "Without --server it starts Scriptorium in this process, on embedded defaults in --data-dir, and"
                        + " stops it at the end.",
                "Run it again to go on: files whose outputs exist are skipped, and jobs that an interrupted run"
                        + " submitted are picked up, not uploaded again.",
                "Ctrl-C once stops submitting and waits for the files in flight; twice leaves at once, and their"
                        + " jobs go on on the server."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every file completed (or was done already)", "1:a file failed; the summary says why",
                "2:bad usage", "130:stopped by Ctrl-C before every file was done"})
public final class TranscribeCommand implements Callable<Integer> {
    /** Transcripts this command writes: not media, and not worth a line each when a folder is walked again. */
    private static final Set<String> OUTPUT_EXTENSIONS = Set.of("srt", "vtt", "txt", "json", "part");

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Media files and folders.")
    private List<Path> paths;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:SCRIPTORIUM_URL}",
            description = "A Scriptorium server (default: $SCRIPTORIUM_URL; without either, a standalone one).")
    private String server;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:SCRIPTORIUM_API_KEY}",
            description = "Its API key (default: $SCRIPTORIUM_API_KEY).")
    private String key;

    @Option(names = "--format", paramLabel = "FORMAT", split = ",", defaultValue = "srt,vtt,txt,json",
            converter = FormatConverter.class, description = "Outputs to write, of srt, vtt, txt and json"
            + " (default: ${DEFAULT-VALUE}).")
    private List<OutputFormat> formats;

    @Option(names = "--out", paramLabel = "DIR", description = "Write outputs here, in the folders the inputs are"
            + " in below the paths given (default: next to each file).")
    private Path out;

    @Option(names = "--language", paramLabel = "CODE", description = "The spoken language, e.g. en (default:"
            + " detected).")
    private String language;

    @Option(names = "--task", paramLabel = "TASK", description = "transcribe, or translate to English (default:"
            + " transcribe).")
    private String task;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "Files in flight at once,"
            + " from upload to transcript, 1 to 32 (default: ${DEFAULT-VALUE}).")
    private int parallel;

    @Option(names = "--overwrite", description = "Transcribe files whose outputs exist, and replace them.")
    private boolean overwrite;

    @Option(names = "--quiet", description = "Print nothing but failures; the exit status tells the rest.")
    private boolean quiet;

    @Option(names = "--json", description = "One JSON object per line and per event, for scripts.")
    private boolean json;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where a standalone run keeps its data"
            + " (default: $XDG_DATA_HOME/scriptorium, else ~/.local/share/scriptorium).")
    private Path dataDir;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter stdout = spec.commandLine().getOut();
        Path here = Path.of("").toAbsolutePath();
        MediaFinder.Result found;
        try {
            found = MediaFinder.find(paths);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<BatchFile> files = files(found.media(), here);
        List<MediaFinder.Skipped> ignored = found.skipped().stream()
                .filter(skipped -> !OUTPUT_EXTENSIONS.contains(MediaFinder.extension(skipped.file()))).toList();
        try (BatchDisplay display = display(stdout, here)) {
            display.begin(files, ignored);
            if (files.stream().allMatch(file -> file.state() == FileState.SKIPPED)) {
                display.end(files, BatchRun.exitStatus(files));
                return BatchRun.exitStatus(files);
            }
            // Ctrl-C is the batch's from here on, also while a standalone server starts: Java's own handling
            // would exit in the middle of that start, with its embedded servers half up.
            AtomicReference<BatchRun> running = new AtomicReference<>();
            AtomicBoolean stopped = new AtomicBoolean();
            Optional<Standalone> standalone = Optional.empty();
            try (Interrupts interrupts = Interrupts.install(() -> {
                stopped.set(true);
                Optional.ofNullable(running.get()).ifPresent(BatchRun::stop);
                display.notice("Stopping: no new files; waiting for the ones in flight. Ctrl-C again leaves them"
                        + " running on the server.");
            }, () -> {
                display.notice("Leaving now; the jobs in flight go on. Run the same command again to collect"
                        + " them.");
                Optional.ofNullable(running.get()).ifPresent(BatchRun::leave);
            })) {
                URI base;
                if (server != null && !server.isBlank()) {
                    base = URI.create(server.strip());
                } else {
                    Path directory = dataDir != null ? dataDir.toAbsolutePath() : defaultDataDir();
                    display.notice("No --server: starting Scriptorium in this process (data in " + directory
                            + ", log in " + directory.resolve("transcribe.log") + ")");
                    standalone = Optional.of(Standalone.start(directory, System.getenv()));
                    base = standalone.get().url();
                    Optional<ModelStatus> model = standalone.get().model();
                    if (model.isPresent() && !model.get().loaded()) {
                        // Its jobs would wait for a model in the queue, and the command with them, for ever.
                        spec.commandLine().getErr().println("transcribe: a standalone run needs a Whisper model. "
                                + model.get().message().replace(" Uploads wait in the queue until a model is"
                                + " loaded.", ""));
                        return 1;
                    }
                    model.filter(ModelStatus::synthetic).ifPresent(synthetic -> display.notice(synthetic.message()));
                }
                ServerClient client = new ServerClient(base, Optional.ofNullable(key).filter(k -> !k.isBlank()));
                try {
                    // Once, before any file: an unreachable server or a refused key is one message, not one per file.
                    client.submitted("transcribe-preflight");
                } catch (ServerException e) {
                    spec.commandLine().getErr().println("transcribe: cannot use the server: " + e.getMessage());
                    return 1;
                }
                BatchRun run = new BatchRun(client, display, parallel, Optional.ofNullable(language),
                        Optional.ofNullable(task));
                running.set(run);
                if (stopped.get()) {
                    run.stop();
                }
                return run.run(files);
            } finally {
                standalone.ifPresent(Standalone::close);
            }
        }
    }

    private void validate() {
        CommandLine cli = spec.commandLine();
        if (quiet && json) {
            throw new CommandLine.ParameterException(cli, "--quiet and --json exclude each other: choose one");
        }
        if (parallel < 1 || parallel > 32) {
            throw new CommandLine.ParameterException(cli, "--parallel must be from 1 to 32, but is " + parallel);
        }
        if (server != null && !server.isBlank()) {
            URI uri;
            try {
                uri = URI.create(server.strip());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme())
                    || "https".equals(uri.getScheme()))) {
                throw new CommandLine.ParameterException(cli, "--server must be an http:// or https:// URL such as"
                        + " http://scriptorium.example:8080, but is '" + server + "'");
            }
        }
        if (task != null && !List.of("transcribe", "translate").contains(task)) {
            throw new CommandLine.ParameterException(cli, "--task must be transcribe or translate, but is '" + task
                    + "'");
        }
    }

    private List<BatchFile> files(List<MediaFinder.Found> media, Path here) throws IOException {
        List<OutputFormat> wanted = List.copyOf(new LinkedHashSet<>(formats));
        // An output never replaces an input: notes.txt that is really an MP3 gets notes.txt.txt, not itself.
        Set<Path> taken = new HashSet<>();
        for (MediaFinder.Found found : media) {
            taken.add(found.file());
        }
        List<BatchFile> files = new ArrayList<>();
        for (MediaFinder.Found found : media) {
            Path file = found.file();
            Path directory = out == null ? file.getParent()
                    : out.toAbsolutePath().normalize().resolve(found.root().relativize(file.getParent()));
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            // talk.mp4 and talk.wav side by side: the second keeps its extension in its outputs' names.
            List<Path> outputs = outputs(directory, stem, wanted);
            if (outputs.stream().anyMatch(taken::contains)) {
                outputs = outputs(directory, name, wanted);
            }
            taken.addAll(outputs);
            BatchFile batchFile = new BatchFile(file, Summary.shown(file, here), Files.size(file), outputs);
            if (!overwrite && outputs.stream().allMatch(Files::exists)) {
                batchFile.state(FileState.SKIPPED);
            }
            files.add(batchFile);
        }
        return files;
    }

    private static List<Path> outputs(Path directory, String stem, List<OutputFormat> formats) {
        return formats.stream().map(format -> directory.resolve(stem + "." + format.extension())).toList();
    }

    private BatchDisplay display(PrintWriter stdout, Path here) {
        if (quiet) {
            return new QuietDisplay(spec.commandLine().getErr(), here);
        }
        if (json) {
            return new JsonDisplay(stdout, here);
        }
        // Bars need a terminal to redraw on; a pipe or a CI log gets one line per change.
        return System.console() != null ? new BarsDisplay(stdout, here, parallel) : new LineDisplay(stdout, here);
    }

    private static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("scriptorium").toAbsolutePath();
    }

    /** Names the choices when a format is not one of them. */
    static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
