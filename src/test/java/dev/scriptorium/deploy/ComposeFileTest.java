package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.app.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker/compose.yaml: the whole stack on one host, consistent with the jar, the images and the files it mounts. */
class ComposeFileTest {
    private static final List<String> SCRIPTORIUM_ROLES = List.of("web", "scheduler", "worker", "worker-gpu");
    private static ComposeFile compose;

    @BeforeAll
    static void load() throws Exception {
        compose = ComposeFile.load();
    }

    @Test
    void theFileParsesAndHoldsTheWholeStack() {
        assertThat(compose.services()).containsOnlyKeys("postgres", "redis", "s3", "models", "models-vad", "web",
                "scheduler", "worker", "worker-gpu", "prometheus", "grafana");
        assertThat(compose.service("postgres").get("image")).isEqualTo("postgres:16");
        assertThat(compose.service("redis").get("image")).isEqualTo("redis:7");
    }

    @Test
    void everyScriptoriumServiceRunsARoleTheJarAccepts() {
        for (String service : SCRIPTORIUM_ROLES) {
            List<String> command = compose.words(service, "command");
            assertThat(command).as(service).hasSize(1);
            assertThat(Role.parse(command.get(0))).as(service + " runs " + command).isPresent();
            assertThat(compose.service(service).get("entrypoint")).as(service).isNull();
        }
        assertThat(compose.words("worker", "command")).containsExactly("worker");
        assertThat(compose.words("worker-gpu", "command")).containsExactly("worker");
    }

    @Test
    void theGpuWorkerStartsOnlyWithTheGpuProfileFromDockerfileGpuWithAGpuReserved() {
        Map<String, Object> gpu = compose.service("worker-gpu");
        assertThat(Yaml.list(gpu.get("profiles"))).containsExactly("gpu");
        assertThat(Yaml.string(gpu, "build", "dockerfile")).isEqualTo("Dockerfile.gpu");
        assertThat(Yaml.list(Yaml.at(gpu, "deploy", "resources", "reservations", "devices")))
                .anySatisfy(device -> assertThat(Yaml.list(Yaml.at(device, "capabilities"))).contains("gpu"));
        for (String service : compose.services().keySet()) {
            if (!service.equals("worker-gpu")) {
                assertThat(compose.service(service).get("profiles")).as(service).isNull();
            }
        }
    }

    @Test
    void workersStartOnlyAfterTheOneShotDownloadsHaveVerifiedTheirModels() throws Exception {
        for (String download : List.of("models", "models-vad")) {
            assertThat(compose.words(download, "entrypoint")).as(download).containsExactly("/app/models/download.sh");
            assertThat(compose.service(download).get("restart")).as(download).isEqualTo("no");
        }
        List<String> arguments = compose.words("models", "command");
        String model = arguments.get(0);
        assertThat(Files.readString(Path.of("models/SHA256SUMS")))
                .containsPattern("[0-9a-f]{64}  ggml-" + Pattern.quote(model) + "\\.bin");
        assertThat(Yaml.list(compose.service("models").get("volumes"))).contains("models:" + arguments.get(1));
        List<String> vadArguments = compose.words("models-vad", "command");
        assertThat(vadArguments.get(0)).isEqualTo("silero-vad");
        assertThat(Files.readString(Path.of("models/SHA256SUMS")))
                .containsPattern("[0-9a-f]{64}  silero_vad_v5\\.onnx");
        assertThat(Yaml.list(compose.service("models-vad").get("volumes"))).contains("models:" + vadArguments.get(1));
        for (String worker : List.of("worker", "worker-gpu")) {
            for (String download : List.of("models", "models-vad")) {
                assertThat(Yaml.string(compose.service(worker), "depends_on", download, "condition")).as(worker)
                        .isEqualTo("service_completed_successfully");
            }
            assertThat(compose.environment(worker).get("WHISPER_MODEL"))
                    .isEqualTo(arguments.get(1) + "/ggml-" + model + ".bin");
            assertThat(compose.environment(worker).get("VAD_MODEL"))
                    .isEqualTo(vadArguments.get(1) + "/silero_vad_v5.onnx");
            assertThat(Yaml.list(compose.service(worker).get("volumes"))).contains("models:" + arguments.get(1)
                    + ":ro");
        }
    }

    @Test
    void webAndSchedulerShareOneStagingVolumeAtTheImagesStagingDir() throws Exception {
        String staging = DockerfileStage.last(Path.of("docker/Dockerfile")).environment().get("STAGING_DIR");
        for (String service : List.of("web", "scheduler")) {
            assertThat(Yaml.list(compose.service(service).get("volumes"))).as(service)
                    .contains("staging:" + staging);
        }
    }

    @Test
    void scriptoriumServicesRunOnAReadOnlyRoot() {
        for (String service : compose.services().keySet()) {
            if (compose.service(service).get("build") != null) {
                assertThat(compose.service(service).get("read_only")).as(service).isEqualTo(true);
            }
        }
    }

    @Test
    void everyMountedFileExistsAndEveryNamedVolumeAndDependencyIsDeclared() {
        Map<String, Object> volumes = Yaml.map(compose.document().get("volumes"));
        for (String service : compose.services().keySet()) {
            for (Object mount : Yaml.list(compose.service(service).get("volumes"))) {
                String source = mount.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(compose.directory().resolve(source)).as(service).exists();
                } else {
                    assertThat(volumes).as(service).containsKey(source);
                }
            }
            Object dependsOn = compose.service(service).get("depends_on");
            Iterable<?> dependencies = dependsOn instanceof Map<?, ?> map ? map.keySet() : Yaml.list(dependsOn);
            for (Object dependency : dependencies) {
                assertThat(compose.services()).as(service).containsKey(dependency.toString());
            }
        }
    }

    @Test
    void prometheusScrapesTheManagementPortOfEachRoleAndGrafanaReadsThatPrometheus() throws Exception {
        Map<String, Object> config = Yaml.documents(Files.readString(Path.of("docker/prometheus/prometheus.yml")))
                .get(0);
        List<String> jobs = Yaml.list(config.get("scrape_configs")).stream().map(job -> Yaml.string(job, "job_name"))
                .toList();
        assertThat(jobs).containsExactlyInAnyOrder("scriptorium-web", "scriptorium-scheduler", "scriptorium-worker");
        for (Object job : Yaml.list(config.get("scrape_configs"))) {
            for (Object staticConfig : Yaml.list(Yaml.at(job, "static_configs"))) {
                for (Object target : Yaml.list(Yaml.at(staticConfig, "targets"))) {
                    String[] hostAndPort = target.toString().split(":");
                    assertThat(compose.environment(hostAndPort[0]).get("MANAGEMENT_PORT")).as(target.toString())
                            .isEqualTo(hostAndPort[1]);
                }
            }
            for (Object discovery : Yaml.list(Yaml.at(job, "dns_sd_configs"))) {
                for (Object name : Yaml.list(Yaml.at(discovery, "names"))) {
                    assertThat(compose.environment(name.toString()).get("MANAGEMENT_PORT")).as(name.toString())
                            .isEqualTo(Yaml.string(discovery, "port"));
                }
            }
        }
        Map<String, Object> datasources = Yaml.documents(Files.readString(
                Path.of("docker/grafana/provisioning/datasources/prometheus.yaml"))).get(0);
        assertThat(Yaml.string(Yaml.list(datasources.get("datasources")).get(0), "url"))
                .isEqualTo("http://prometheus:9090");
        assertThat(compose.services()).containsKey("prometheus");
    }
}
