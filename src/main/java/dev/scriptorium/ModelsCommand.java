package dev.scriptorium;

import dev.scriptorium.whisper.SyntheticModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "models", mixinStandardHelpOptions = true, description = "Whisper model files.",
        subcommands = ModelsCommand.Synthesize.class)
final class ModelsCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a subcommand: synthesize.");
    }

    @Command(name = "synthesize", mixinStandardHelpOptions = true,
            description = {"Write a synthetic ggml Whisper model with random weights: its transcripts are nonsense"
                    + " (for tests, benchmarks and trying it out).",
                    "serve uses such a model when WHISPER_MODEL is not set and models/ggml-base.en.bin does not"
                            + " exist."})
    static final class Synthesize implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "OUT", description = "Where to write it; defaults to"
                + " models/ggml-synthetic-DIMS.bin (ggml-synthetic-DIMS.en.bin with --english-only).")
        private Path out;

        @Option(names = "--dims", paramLabel = "DIMS", description = "tiny, base, small, medium or large-v3"
                + " (default: tiny).", converter = DimsConverter.class)
        private SyntheticModel.Dims dims = SyntheticModel.Dims.TINY;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the random weights (default: 42).")
        private long seed = 42;

        @Option(names = "--english-only", description = "An English-only model (.en).")
        private boolean englishOnly;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            Path target = out != null ? out : Path.of("models", SyntheticModel.defaultFileName(dims, englishOnly));
            try {
                long started = System.nanoTime();
                Path parent = target.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                SyntheticModel.write(target, dims, seed, englishOnly);
                stdout.printf("Wrote a synthetic %s%s model (seed %d) to %s in %d ms.%n", dims,
                        englishOnly ? " English-only" : "", seed, target, (System.nanoTime() - started) / 1_000_000);
                stdout.println("Its weights are random: its transcripts are nonsense. For tests, benchmarks and"
                        + " trying Scriptorium out only; serve says so wherever it shows the model.");
                return 0;
            } catch (Exception e) {
                spec.commandLine().getErr().println("models synthesize: could not write " + target + ": "
                        + e.getMessage());
                return 1;
            }
        }
    }

    /** Names the choices when a value is not one of them. */
    static final class DimsConverter implements CommandLine.ITypeConverter<SyntheticModel.Dims> {
        @Override
        public SyntheticModel.Dims convert(String value) {
            try {
                return SyntheticModel.Dims.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
