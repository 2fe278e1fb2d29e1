package dev.scriptorium.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** docker/compose.yaml, read as Compose reads it: relative paths against docker/, env_file before environment. */
record ComposeFile(Path directory, Map<String, Object> document) {
    static final Path PATH = Path.of("docker/compose.yaml");

    static ComposeFile load() throws IOException {
        return new ComposeFile(PATH.getParent(), Yaml.documents(Files.readString(PATH)).get(0));
    }

    Map<String, Object> services() {
        return Yaml.map(document.get("services"));
    }

    Map<String, Object> service(String name) {
        return Yaml.map(services().get(name));
    }

    /**
     * The service's environment: its env_file, then its environment entries, which win. Both in the forms
     * compose.yaml uses: one env_file name, and environment as a mapping.
     */
    Map<String, String> environment(String name) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        String envFile = Yaml.string(service(name), "env_file");
        if (envFile != null) {
            env.putAll(EnvFile.read(directory.resolve(envFile)));
        }
        Yaml.map(service(name).get("environment")).forEach((key, value) -> env.put(key, String.valueOf(value)));
        return env;
    }

    List<String> words(String service, String key) {
        Object value = service(service).get(key);
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> ? Yaml.list(value).stream().map(Object::toString).toList()
                : List.of(value.toString().split("\\s+"));
    }

    /** Container-side ports of the service's {@code ports} entries ("[ip:]host:container"). */
    List<Integer> containerPorts(String service) {
        List<Integer> ports = new ArrayList<>();
        for (Object entry : Yaml.list(service(service).get("ports"))) {
            String[] parts = entry.toString().split(":");
            ports.add(Integer.parseInt(parts[parts.length - 1].replace("/tcp", "")));
        }
        return ports;
    }
}
