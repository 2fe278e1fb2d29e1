package dev.scriptorium.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One build stage of a Dockerfile, parsed the way Docker reads it: comment lines dropped, backslash continuations
 * joined, one instruction per logical line. Only what the project's Dockerfiles use is understood; anything else
 * fails loudly rather than being skipped.
 */
record DockerfileStage(String name, String base, List<Instruction> instructions) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FLAG = Pattern.compile("--([a-z-]+)(?:=(\\S*))?");

    /** A keyword (upper case), its leading --flags, and the rest of the line. */
    record Instruction(String keyword, Map<String, String> flags, String arguments) {
        /** The exec (JSON array) form, e.g. {@code ["java", "-jar"]}, or a one-element shell form. */
        List<String> words() {
            if (arguments.startsWith("[")) {
                try {
                    return JSON.readValue(arguments, new TypeReference<List<String>>() { });
                } catch (IOException e) {
                    throw new IllegalArgumentException(keyword + " has a malformed JSON array: " + arguments, e);
                }
            }
            return List.of(arguments);
        }

        boolean execForm() {
            return arguments.startsWith("[");
        }
    }

    static List<DockerfileStage> parse(Path dockerfile) throws IOException {
        List<DockerfileStage> stages = new ArrayList<>();
        String name = null;
        String base = null;
        List<Instruction> instructions = null;
        for (String line : logicalLines(Files.readAllLines(dockerfile))) {
            Instruction instruction = instruction(line);
            if (instruction.keyword().equals("FROM")) {
                if (instructions != null) {
                    stages.add(new DockerfileStage(name, base, instructions));
                }
                String[] words = instruction.arguments().split("\\s+");
                base = words[0];
                name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                instructions = new ArrayList<>();
            } else if (instructions != null) {
                instructions.add(instruction);
            } else if (!instruction.keyword().equals("ARG")) {
                throw new IllegalArgumentException("Only ARG may come before the first FROM: " + line);
            }
        }
        if (instructions != null) {
            stages.add(new DockerfileStage(name, base, instructions));
        }
        return stages;
    }

    static DockerfileStage last(Path dockerfile) throws IOException {
        List<DockerfileStage> stages = parse(dockerfile);
        return stages.get(stages.size() - 1);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> lastOf(String keyword) {
        List<Instruction> found = all(keyword);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** ENV lines in order, {@code ${NAME}} expanded from earlier ones (unknown names expand to nothing). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction instruction : all("ENV")) {
            env.putAll(assignments(instruction, env));
        }
        return env;
    }

    /** The NAME=value pairs of one ENV line, {@code ${NAME}} expanded from {@code known} and from earlier pairs. */
    static Map<String, String> assignments(Instruction instruction, Map<String, String> known) {
        Map<String, String> scope = new LinkedHashMap<>(known);
        Map<String, String> assigned = new LinkedHashMap<>();
        for (String word : shellWords(instruction.arguments())) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("Use the ENV NAME=value form: " + instruction.arguments());
            }
            String value = expand(word.substring(equals + 1), scope);
            scope.put(word.substring(0, equals), value);
            assigned.put(word.substring(0, equals), value);
        }
        return assigned;
    }

    /** Every exposed port. */
    List<Integer> exposedPorts() {
        List<Integer> ports = new ArrayList<>();
        for (Instruction instruction : all("EXPOSE")) {
            for (String word : instruction.arguments().split("\\s+")) {
                ports.add(Integer.parseInt(word.replace("/tcp", "")));
            }
        }
        return ports;
    }

    List<String> volumes() {
        List<String> volumes = new ArrayList<>();
        for (Instruction instruction : all("VOLUME")) {
            volumes.addAll(instruction.execForm() ? instruction.words()
                    : List.of(instruction.arguments().split("\\s+")));
        }
        return volumes;
    }

    static String expand(String value, Map<String, String> env) {
        Matcher reference = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)")
                .matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String variable = reference.group(1) != null ? reference.group(1) : reference.group(2);
            reference.appendReplacement(expanded, Matcher.quoteReplacement(env.getOrDefault(variable, "")));
        }
        reference.appendTail(expanded);
        return expanded.toString();
    }

    /** Splits on blanks outside double or single quotes, dropping the quotes; backslash escapes the next char. */
    static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("Unbalanced quote in: " + text);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> logicalLines(List<String> physical) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : physical) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            logical.add(current.toString().strip());
            current.setLength(0);
        }
        if (current.length() > 0) {
            logical.add(current.toString().strip());
        }
        return logical;
    }

    private static Instruction instruction(String line) {
        String[] split = line.split("\\s+", 2);
        String keyword = split[0].toUpperCase();
        String rest = split.length > 1 ? split[1] : "";
        Map<String, String> flags = new LinkedHashMap<>();
        while (rest.startsWith("--")) {
            String[] flagAndRest = rest.split("\\s+", 2);
            Matcher flag = FLAG.matcher(flagAndRest[0]);
            if (!flag.matches()) {
                throw new IllegalArgumentException("Cannot read the flag " + flagAndRest[0] + " in: " + line);
            }
            flags.put(flag.group(1), flag.group(2) == null ? "" : flag.group(2));
            rest = flagAndRest.length > 1 ? flagAndRest[1] : "";
        }
        return new Instruction(keyword, flags, rest.strip());
    }
}
