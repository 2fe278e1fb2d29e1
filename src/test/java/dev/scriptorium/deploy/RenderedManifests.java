package dev.scriptorium.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's objects as {@code kubectl kustomize k8s} renders them, plus the example Secret (which is kept out of
 * the kustomization so that an apply never overwrites the real one), and views of the containers in them.
 */
final class RenderedManifests {
    static final Path KUSTOMIZATION = Path.of("k8s");
    static final Path SECRET_EXAMPLE = Path.of("k8s/secret.example.yaml");
    static final Path RENDERED = Path.of("target/k8s/rendered.yaml");
    private static RenderedManifests rendered;
    private final List<Map<String, Object>> objects;
    private final Map<String, Object> secretExample;

    /** One container of one workload, with the pod spec around it. */
    record Container(Map<String, Object> workload, Map<String, Object> pod, Map<String, Object> spec) {
        String workloadName() {
            return Yaml.string(workload, "metadata", "name");
        }

        String name() {
            return Yaml.string(spec, "name");
        }

        String image() {
            return Yaml.string(spec, "image");
        }

        List<String> args() {
            return Yaml.list(spec.get("args")).stream().map(Object::toString).toList();
        }

        List<Map<String, Object>> ports() {
            return Yaml.list(spec.get("ports")).stream().map(Yaml::map).toList();
        }

        /** A port number, or a port name resolved through this container's ports. */
        Optional<Integer> port(Object numberOrName) {
            if (numberOrName instanceof Integer number) {
                return Optional.of(number);
            }
            return ports().stream().filter(port -> numberOrName.equals(port.get("name")))
                    .map(port -> (Integer) port.get("containerPort")).findFirst();
        }
    }

    private RenderedManifests(List<Map<String, Object>> objects, Map<String, Object> secretExample) {
        this.objects = objects;
        this.secretExample = secretExample;
    }

    static synchronized RenderedManifests load() throws Exception {
        if (rendered == null) {
            Files.createDirectories(RENDERED.getParent());
            Path errors = RENDERED.resolveSibling("kustomize.err");
            Process kubectl;
            try {
                kubectl = new ProcessBuilder("kubectl", "kustomize", KUSTOMIZATION.toString())
                        .redirectOutput(RENDERED.toFile()).redirectError(errors.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("kubectl is needed to render k8s/ (install it; .ci/run does)", e);
            }
            if (!kubectl.waitFor(120, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize k8s failed:\n" + Files.readString(errors));
            }
            rendered = new RenderedManifests(Yaml.documents(Files.readString(RENDERED)),
                    Yaml.documents(Files.readString(SECRET_EXAMPLE)).get(0));
        }
        return rendered;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    Map<String, Object> secretExample() {
        return secretExample;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(object -> name.equals(Yaml.string(object, "metadata", "name")))
                .findFirst();
    }

    /** The pod template of a Deployment, Job or CronJob. */
    static Map<String, Object> podSpec(Map<String, Object> workload) {
        Object pod = switch (String.valueOf(workload.get("kind"))) {
            case "Deployment", "Job" -> Yaml.at(workload, "spec", "template");
            case "CronJob" -> Yaml.at(workload, "spec", "jobTemplate", "spec", "template");
            default -> null;
        };
        return Yaml.map(pod);
    }

    List<Map<String, Object>> workloads() {
        return objects.stream().filter(object -> List.of("Deployment", "Job", "CronJob").contains(object.get("kind")))
                .toList();
    }

    List<Container> containers() {
        List<Container> containers = new ArrayList<>();
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> pod = podSpec(workload);
            for (Object container : Yaml.list(Yaml.at(pod, "spec", "containers"))) {
                containers.add(new Container(workload, pod, Yaml.map(container)));
            }
        }
        return containers;
    }

    /**
     * The environment a container starts with in the cluster: its envFrom sources (the ConfigMap and the example
     * Secret), then its own env entries, which win.
     */
    Map<String, String> environment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object source : Yaml.list(container.spec().get("envFrom"))) {
            String configMap = Yaml.string(source, "configMapRef", "name");
            String secret = Yaml.string(source, "secretRef", "name");
            if (configMap != null) {
                Yaml.map(Yaml.at(find("ConfigMap", configMap).orElseThrow(() -> new AssertionError(
                        container.workloadName() + " reads the missing ConfigMap " + configMap)), "data"))
                        .forEach((key, value) -> env.put(key, String.valueOf(value)));
            }
            if (secret != null) {
                if (!secret.equals(Yaml.string(secretExample, "metadata", "name"))) {
                    throw new AssertionError(container.workloadName() + " reads the unknown Secret " + secret);
                }
                Yaml.map(secretExample.get("stringData")).forEach((key, value) -> env.put(key, String.valueOf(value)));
            }
        }
        for (Object variable : Yaml.list(container.spec().get("env"))) {
            env.put(Yaml.string(variable, "name"), Yaml.string(variable, "value"));
        }
        return env;
    }
}
