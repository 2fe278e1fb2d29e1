package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.app.ConfigException;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.deploy.RenderedManifests.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every image, environment variable and port that the manifests (k8s/, docker/compose.yaml and the per-role .env
 * files) name exists on the other side: images are built by our Dockerfiles, variables are read by the application
 * or the image, values pass the application's own validation, and ports are ones the role listens on.
 */
class ManifestReferencesTest {
    /** Files of the images whose variables count as read: their Dockerfiles and the scripts they run. */
    private static final List<Path> IMAGE_FILES = List.of(Path.of("docker/Dockerfile"), Path.of("Dockerfile.gpu"),
            Path.of("docker/entrypoint.sh"), Path.of("models/download.sh"));
    private static final Pattern SHELL_VARIABLE = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    private static RenderedManifests cluster;
    private static ComposeFile compose;
    @TempDir
    static Path nativeDir;

    /** One container as some manifest runs it. */
    record Deployed(String where, String image, List<String> command, Map<String, String> env,
                    List<Integer> ports, boolean longRunning) {
    }

    @BeforeAll
    static void load() throws Exception {
        cluster = RenderedManifests.load();
        compose = ComposeFile.load();
        // The GPU image's CUDA library, which the configuration checks for, exists only inside that image.
        Files.createFile(nativeDir.resolve("libwhisper.so"));
    }

    @Test
    void everyImageTheClusterRunsIsBuiltByOneOfOurDockerfiles() {
        Map<String, Path> built = builtImages();
        assertThat(built).containsOnlyKeys("scriptorium", "scriptorium-gpu");
        assertThat(built.get("scriptorium")).isEqualTo(Path.of("docker/Dockerfile"));
        assertThat(built.get("scriptorium-gpu")).isEqualTo(Path.of("Dockerfile.gpu"));
        for (Container container : cluster.containers()) {
            assertThat(built).as(container.workloadName()).containsKey(imageName(container.image()));
        }
        for (String name : cluster.ofKind("Deployment").stream().map(d -> Yaml.string(d, "metadata", "name"))
                .toList()) {
            assertThat(name).startsWith("scriptorium-");
        }
    }

    @Test
    void everyThirdPartyImageInTheComposeStackIsPinnedToAVersion() {
        for (String service : compose.services().keySet()) {
            if (compose.service(service).get("build") != null) {
                continue;
            }
            String image = compose.service(service).get("image").toString();
            assertThat(image).as(service).matches("[a-z0-9./-]+:v?[0-9][0-9.]*");
        }
    }

    @Test
    void everyVariableTheManifestsSetIsReadByTheApplicationOrTheImage() throws Exception {
        Set<String> read = new TreeSet<>(imageVariables());
        for (Deployed deployed : deployed()) {
            read.addAll(variablesTheConfigurationReads(deployed.env()));
        }
        for (Deployed deployed : deployed()) {
            assertThat(read).as(deployed.where() + " sets variables nothing reads")
                    .containsAll(deployed.env().keySet());
        }
    }

    @Test
    void everyScriptoriumContainerRunsARoleWithAConfigurationTheApplicationAccepts() throws Exception {
        for (Deployed deployed : deployed()) {
            if (deployed.command().equals(List.of("/app/models/download.sh"))) {
                continue;
            }
            assertThat(Role.parse(deployed.command().get(0))).as(deployed.where() + " " + deployed.command())
                    .isPresent();
            configuration(deployed);
        }
    }

    @Test
    void everyDeclaredPortIsOneTheRoleListensOnAndLongRunningRolesDeclareTheirManagementPort() throws Exception {
        for (Deployed deployed : deployed()) {
            if (deployed.command().equals(List.of("/app/models/download.sh"))) {
                assertThat(deployed.ports()).as(deployed.where()).isEmpty();
                continue;
            }
            Role role = Role.parse(deployed.command().get(0)).orElseThrow();
            ScriptoriumConfig config = configuration(deployed);
            List<Integer> listening = new ArrayList<>();
            if (role.http()) {
                listening.add(config.http().port());
            }
            if (role != Role.CLEANUP) {
                listening.add(config.managementPort());
            }
            if (role.schedules() && config.dashboardPort() > 0) {
                listening.add(config.dashboardPort());
                listening.add(config.dashboardPort() + 1);
            }
            assertThat(listening).as(deployed.where()).containsAll(deployed.ports());
            if (deployed.longRunning()) {
                assertThat(deployed.ports()).as(deployed.where()).contains(config.managementPort());
            }
        }
    }

    @Test
    void theCpuImageExposesTheDefaultPublicAndManagementPorts() throws Exception {
        ScriptoriumConfig defaults = ScriptoriumConfig.fromEnvironment(Map.of());
        assertThat(DockerfileStage.last(Path.of("docker/Dockerfile")).exposedPorts())
                .containsExactlyInAnyOrder(defaults.http().port(), defaults.managementPort());
        assertThat(DockerfileStage.last(Path.of("Dockerfile.gpu")).exposedPorts())
                .containsExactly(defaults.managementPort());
    }

    /** Containers of the cluster, Scriptorium services of the compose stack, and the per-role .env files. */
    private static List<Deployed> deployed() throws IOException {
        List<Deployed> all = new ArrayList<>();
        for (Container container : cluster.containers()) {
            List<Object> entrypoint = Yaml.list(container.spec().get("command"));
            List<String> command = entrypoint.isEmpty() ? container.args()
                    : entrypoint.stream().map(Object::toString).toList();
            all.add(new Deployed("k8s " + container.workloadName(), container.image(), command,
                    cluster.environment(container), container.ports().stream()
                    .map(port -> (Integer) port.get("containerPort")).toList(),
                    "Deployment".equals(container.workload().get("kind"))));
        }
        for (String service : compose.services().keySet()) {
            if (compose.service(service).get("build") == null) {
                continue;
            }
            List<String> entrypoint = compose.words(service, "entrypoint");
            List<String> command = entrypoint.isEmpty() ? compose.words(service, "command") : entrypoint;
            Map<String, String> env = compose.environment(service);
            all.add(new Deployed("compose " + service, compose.service(service).get("image").toString(), command,
                    env, compose.containerPorts(service), false));
        }
        for (String file : List.of("worker/cpu.env", "worker/cuda.env", "scheduler/scheduler.env",
                "cleanup/cleanup.env")) {
            String role = file.startsWith("worker") ? "worker" : file.substring(0, file.indexOf('/'));
            all.add(new Deployed(file, "scriptorium", List.of(role), EnvFile.read(Path.of(file)), List.of(), false));
        }
        return all;
    }

    private static ScriptoriumConfig configuration(Deployed deployed) {
        try {
            return ScriptoriumConfig.fromEnvironment(withNativeDirHere(deployed.env()));
        } catch (ConfigException e) {
            throw new AssertionError(deployed.where() + ": " + e.getMessage(), e);
        }
    }

    /** The names {@link ScriptoriumConfig#fromEnvironment} looks up, given this environment. */
    private static Set<String> variablesTheConfigurationReads(Map<String, String> env) {
        Set<String> looked = new TreeSet<>();
        Map<String, String> recording = new HashMap<>(withNativeDirHere(env)) {
            @Override
            public String get(Object key) {
                looked.add(key.toString());
                return super.get(key);
            }
        };
        ScriptoriumConfig.fromEnvironment(recording);
        return looked;
    }

    /** The environment with WHISPER_NATIVE_DIR, if set, pointing at this test's stand-in for the GPU image's. */
    private static Map<String, String> withNativeDirHere(Map<String, String> env) {
        Map<String, String> here = new HashMap<>(env);
        here.computeIfPresent("WHISPER_NATIVE_DIR", (name, path) -> nativeDir.toString());
        return here;
    }

    /** Variables the images set (ENV) or their scripts read ($NAME, ${NAME}). */
    private static Set<String> imageVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : IMAGE_FILES) {
            String text = Files.readString(file);
            Matcher variable = SHELL_VARIABLE.matcher(text);
            while (variable.find()) {
                names.add(variable.group(1));
            }
        }
        for (Path dockerfile : List.of(Path.of("docker/Dockerfile"), Path.of("Dockerfile.gpu"))) {
            names.addAll(DockerfileStage.last(dockerfile).environment().keySet());
        }
        return names;
    }

    /** The repository's last path segment without the tag: REGISTRY:5000/team/scriptorium:1.0 is scriptorium. */
    static String imageName(String reference) {
        String path = reference.substring(reference.lastIndexOf('/') + 1);
        return path.contains(":") ? path.substring(0, path.indexOf(':')) : path;
    }

    /** Image name to Dockerfile, from the compose services that build one. */
    private static Map<String, Path> builtImages() {
        Map<String, Path> built = new LinkedHashMap<>();
        for (String service : compose.services().keySet()) {
            Object build = compose.service(service).get("build");
            if (build != null) {
                Path context = compose.directory().resolve(Yaml.string(build, "context")).normalize();
                Path dockerfile = context.resolve(Yaml.string(build, "dockerfile")).normalize();
                assertThat(dockerfile).as(service).isRegularFile();
                String image = imageName(compose.service(service).get("image").toString());
                Path previous = built.put(image, Path.of("").toAbsolutePath().relativize(
                        dockerfile.toAbsolutePath()));
                assertThat(previous == null || previous.equals(built.get(image))).as(image).isTrue();
            }
        }
        return built;
    }

}
