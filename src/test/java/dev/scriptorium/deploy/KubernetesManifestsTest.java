package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.deploy.RenderedManifests.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** k8s/ as kustomize renders it: complete, schema-valid, locked down, and wired together consistently. */
class KubernetesManifestsTest {
    private static final Path VALIDATOR = Path.of("src/test/k8s-schema/validate.mjs");
    private static RenderedManifests manifests;

    @BeforeAll
    static void render() throws Exception {
        manifests = RenderedManifests.load();
    }

    @Test
    void kustomizeRendersEveryPartOfTheDeployment() {
        List<String> rendered = manifests.objects().stream()
                .map(object -> object.get("kind") + "/" + Yaml.string(object, "metadata", "name")).toList();

        assertThat(rendered).containsExactlyInAnyOrder(
                "Namespace/scriptorium", "ConfigMap/scriptorium-config",
                "PersistentVolumeClaim/scriptorium-staging", "PersistentVolumeClaim/scriptorium-models",
                "Deployment/scriptorium-web", "Service/scriptorium-web", "Ingress/scriptorium",
                "Deployment/scriptorium-scheduler",
                "Deployment/scriptorium-worker-cpu", "Deployment/scriptorium-worker-gpu",
                "CronJob/scriptorium-cleanup", "Job/scriptorium-model-download",
                "HorizontalPodAutoscaler/scriptorium-web",
                "ScaledObject/scriptorium-worker-cpu", "ScaledObject/scriptorium-worker-gpu",
                "PodDisruptionBudget/scriptorium-web", "PodDisruptionBudget/scriptorium-worker-cpu",
                "PodDisruptionBudget/scriptorium-worker-gpu",
                "NetworkPolicy/scriptorium-default-deny-ingress", "NetworkPolicy/scriptorium-web-from-ingress",
                "NetworkPolicy/scriptorium-management-from-monitoring",
                "Service/scriptorium-management", "ServiceMonitor/scriptorium");
    }

    @Test
    void everyRenderedObjectAndTheExampleSecretValidateAgainstTheKubernetesApiSchemas() throws Exception {
        Validation validation = validate(RenderedManifests.RENDERED, RenderedManifests.SECRET_EXAMPLE);

        assertThat(validation.exitCode()).as(validation.output()).isZero();
        assertThat(validation.output().lines().filter(line -> line.startsWith("valid "))).as(validation.output())
                .hasSize(manifests.objects().size() + 1);
    }

    @Test
    void theSchemaCheckRejectsAnObjectThatBreaksTheSchema() throws Exception {
        Path broken = RenderedManifests.RENDERED.resolveSibling("broken.yaml");
        Files.writeString(broken, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: broken}
                spec:
                  selector: {matchLabels: {app: broken}}
                  template:
                    metadata: {labels: {app: broken}}
                    spec:
                      containers:
                        - name: web
                          image: scriptorium:latest
                          ports: [{containerPort: http}]
                """);

        Validation validation = validate(broken);

        assertThat(validation.exitCode()).isEqualTo(1);
        assertThat(validation.output()).contains("invalid Deployment/broken").contains("containerPort");
    }

    @Test
    void noRenderedObjectHasAFieldTheKubernetesApiDoesNotDefine() {
        UnknownFields unknownFields = new UnknownFields();
        List<Map<String, Object>> all = new ArrayList<>(manifests.objects());
        all.add(manifests.secretExample());
        for (Map<String, Object> object : all) {
            assertThat(unknownFields.of(object)).as(object.get("kind") + "/" + Yaml.string(object, "metadata", "name"))
                    .isEmpty();
        }
    }

    @Test
    void theFieldCheckCatchesAMisspeltFieldThatTheSchemasLetThrough() throws Exception {
        Map<String, Object> web = Yaml.documents(Files.readString(RenderedManifests.RENDERED)).stream()
                .filter(object -> "Deployment".equals(object.get("kind"))
                        && "scriptorium-web".equals(Yaml.string(object, "metadata", "name"))).findFirst().orElseThrow();
        Map<String, Object> container = Yaml.map(Yaml.list(Yaml.at(web, "spec", "template", "spec", "containers"))
                .get(0));
        container.put("readinesProbe", container.remove("readinessProbe"));
        Map<String, Object> scaled = Yaml.documents(Files.readString(RenderedManifests.RENDERED)).stream()
                .filter(object -> "ScaledObject".equals(object.get("kind"))).findFirst().orElseThrow();
        Yaml.map(scaled.get("spec")).put("maxReplicas", 3);

        assertThat(new UnknownFields().of(web)).containsExactly("spec.template.spec.containers[0]: readinesProbe");
        assertThat(new UnknownFields().of(scaled)).containsExactly("spec: maxReplicas");
    }

    @Test
    void everyObjectButTheNamespaceItselfLandsInTheScriptoriumNamespace() {
        for (Map<String, Object> object : manifests.objects()) {
            if (!"Namespace".equals(object.get("kind"))) {
                assertThat(Yaml.string(object, "metadata", "namespace")).as(object.get("kind") + "/"
                        + Yaml.string(object, "metadata", "name")).isEqualTo("scriptorium");
            }
        }
    }

    @Test
    void everyPodRunsAsTheImagesNonRootUserOnAReadOnlyRootWithoutPrivileges() {
        for (Map<String, Object> workload : manifests.workloads()) {
            Map<String, Object> pod = RenderedManifests.podSpec(workload);
            String name = Yaml.string(workload, "metadata", "name");
            assertThat(Yaml.at(pod, "spec", "securityContext", "runAsNonRoot")).as(name).isEqualTo(true);
            assertThat(Yaml.at(pod, "spec", "securityContext", "runAsUser")).as(name).isEqualTo(10001);
            assertThat(Yaml.at(pod, "spec", "automountServiceAccountToken")).as(name).isEqualTo(false);
        }
        for (Container container : manifests.containers()) {
            assertThat(Yaml.at(container.spec(), "securityContext", "readOnlyRootFilesystem"))
                    .as(container.workloadName()).isEqualTo(true);
            assertThat(Yaml.at(container.spec(), "securityContext", "allowPrivilegeEscalation"))
                    .as(container.workloadName()).isEqualTo(false);
            assertThat(Yaml.list(Yaml.at(container.spec(), "securityContext", "capabilities", "drop")))
                    .as(container.workloadName()).containsExactly("ALL");
        }
    }

    @Test
    void everyContainerRequestsCpuAndMemoryAndHasAMemoryLimit() {
        for (Container container : manifests.containers()) {
            assertThat(Yaml.at(container.spec(), "resources", "requests", "cpu")).as(container.workloadName())
                    .isNotNull();
            assertThat(Yaml.at(container.spec(), "resources", "requests", "memory")).as(container.workloadName())
                    .isNotNull();
            assertThat(Yaml.at(container.spec(), "resources", "limits", "memory")).as(container.workloadName())
                    .isNotNull();
        }
    }

    @Test
    void longRunningRolesAreProbedOnHealthzAndReadyzOfTheirManagementPort() {
        for (Container container : manifests.containers()) {
            if (!"Deployment".equals(container.workload().get("kind"))) {
                continue;
            }
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Object port = Yaml.at(container.spec(), probe, "httpGet", "port");
                assertThat(port).as(container.workloadName() + " " + probe).isNotNull();
                assertThat(container.port(port)).as(container.workloadName() + " " + probe).contains(8081);
                assertThat(Yaml.string(container.spec(), probe, "httpGet", "path"))
                        .isEqualTo(probe.equals("readinessProbe") ? "/readyz" : "/healthz");
            }
        }
    }

    @Test
    void workersReadTheModelsFromTheVolumeThatTheChecksummedDownloadJobFills() throws Exception {
        List<Container> downloads = manifests.containers().stream()
                .filter(container -> container.workloadName().equals("scriptorium-model-download")).toList();
        for (Container download : downloads) {
            assertThat(Yaml.list(download.spec().get("command"))).as(download.name())
                    .containsExactly("/app/models/download.sh");
        }
        Container download = downloads.stream().filter(container -> !container.args().get(0).equals("silero-vad"))
                .findFirst().orElseThrow();
        String model = download.args().get(0);
        String directory = download.args().get(1);
        assertThat(Files.readString(Path.of("models/SHA256SUMS"))).as("a model download.sh can verify")
                .containsPattern("[0-9a-f]{64}  ggml-" + java.util.regex.Pattern.quote(model) + "\\.bin");
        assertThat(mountOf(download, "scriptorium-models")).isEqualTo(directory);
        Container vad = downloads.stream().filter(container -> container.args().get(0).equals("silero-vad"))
                .findFirst().orElseThrow(() -> new AssertionError("the Job does not download silero-vad"));
        assertThat(vad.args()).containsExactly("silero-vad", directory);
        assertThat(mountOf(vad, "scriptorium-models")).isEqualTo(directory);

        for (Container worker : manifests.containers()) {
            if (!worker.args().equals(List.of("worker"))) {
                continue;
            }
            String path = manifests.environment(worker).get("WHISPER_MODEL");
            assertThat(path).as(worker.workloadName()).isEqualTo(directory + "/ggml-" + model + ".bin");
            assertThat(manifests.environment(worker).get("VAD_MODEL")).as(worker.workloadName())
                    .isEqualTo(directory + "/silero_vad_v5.onnx");
            assertThat(mountOf(worker, "scriptorium-models")).as(worker.workloadName()).isEqualTo(directory);
        }
    }

    @Test
    void autoscalersBudgetsAndServicesPointAtWorkloadsThatExist() {
        assertThat(Yaml.string(manifests.find("HorizontalPodAutoscaler", "scriptorium-web").orElseThrow(),
                "spec", "scaleTargetRef", "name")).isEqualTo("scriptorium-web");
        for (Map<String, Object> scaled : manifests.ofKind("ScaledObject")) {
            String target = Yaml.string(scaled, "spec", "scaleTargetRef", "name");
            Map<String, Object> deployment = manifests.find("Deployment", target).orElseThrow();
            assertThat(Yaml.at(deployment, "spec", "replicas")).as("KEDA owns " + target + "'s replicas").isNull();
            assertThat(Yaml.string(Yaml.list(Yaml.at(scaled, "spec", "triggers")).get(0), "metadata", "query"))
                    .contains("scriptorium_queue_depth");
        }
        assertThat(Yaml.at(manifests.find("Deployment", "scriptorium-web").orElseThrow(), "spec", "replicas"))
                .as("the HPA owns web's replicas").isNull();
        assertThat(Yaml.at(manifests.find("Deployment", "scriptorium-scheduler").orElseThrow(), "spec", "replicas"))
                .isEqualTo(1);
        for (String kind : List.of("PodDisruptionBudget", "Service")) {
            for (Map<String, Object> object : manifests.ofKind(kind)) {
                Map<String, Object> selector = Yaml.map(kind.equals("Service") ? Yaml.at(object, "spec", "selector")
                        : Yaml.at(object, "spec", "selector", "matchLabels"));
                assertThat(manifests.workloads().stream().filter(workload -> Yaml.map(Yaml.at(
                        RenderedManifests.podSpec(workload), "metadata", "labels")).entrySet()
                        .containsAll(selector.entrySet()))).as(kind + " " + selector).isNotEmpty();
            }
        }
        Set<String> claims = new HashSet<>();
        manifests.ofKind("PersistentVolumeClaim").forEach(claim -> claims.add(Yaml.string(claim, "metadata", "name")));
        for (Map<String, Object> workload : manifests.workloads()) {
            for (Object volume : Yaml.list(Yaml.at(RenderedManifests.podSpec(workload), "spec", "volumes"))) {
                String claim = Yaml.string(volume, "persistentVolumeClaim", "claimName");
                if (claim != null) {
                    assertThat(claims).as(Yaml.string(workload, "metadata", "name")).contains(claim);
                }
            }
        }
    }

    @Test
    void onlyThePublicPortIsRoutedFromOutsideAndMetricsAndDashboardsStayInternal() {
        Container web = manifests.containers().stream().filter(c -> c.workloadName().equals("scriptorium-web"))
                .findFirst().orElseThrow();
        Map<String, Object> service = manifests.find("Service", "scriptorium-web").orElseThrow();
        for (Object port : Yaml.list(Yaml.at(service, "spec", "ports"))) {
            assertThat(web.port(Yaml.at(port, "targetPort"))).contains(8080);
        }
        Map<String, Object> ingress = manifests.find("Ingress", "scriptorium").orElseThrow();
        for (Object rule : Yaml.list(Yaml.at(ingress, "spec", "rules"))) {
            for (Object path : Yaml.list(Yaml.at(rule, "http", "paths"))) {
                assertThat(Yaml.string(path, "backend", "service", "name")).isEqualTo("scriptorium-web");
                assertThat(Yaml.string(path, "backend", "service", "port", "name")).isEqualTo("http");
            }
        }

        List<Map<String, Object>> policies = manifests.ofKind("NetworkPolicy");
        assertThat(policies).anySatisfy(policy -> {
            assertThat(Yaml.map(Yaml.at(policy, "spec", "podSelector"))).isEmpty();
            assertThat(Yaml.list(Yaml.at(policy, "spec", "policyTypes"))).containsExactly("Ingress");
            assertThat(Yaml.at(policy, "spec", "ingress")).isNull();
        });
        List<String> allowed = new ArrayList<>();
        for (Map<String, Object> policy : policies) {
            for (Object rule : Yaml.list(Yaml.at(policy, "spec", "ingress"))) {
                String from = Yaml.string(Yaml.list(Yaml.at(rule, "from")).get(0), "namespaceSelector",
                        "matchLabels", "kubernetes.io/metadata.name");
                for (Object port : Yaml.list(Yaml.at(rule, "ports"))) {
                    allowed.add(Yaml.at(port, "port") + " from " + from);
                }
            }
        }
        assertThat(allowed).containsExactlyInAnyOrder("8080 from ingress-nginx", "8081 from monitoring");

        Map<String, Object> monitor = manifests.find("ServiceMonitor", "scriptorium").orElseThrow();
        Map<String, Object> management = manifests.find("Service", "scriptorium-management").orElseThrow();
        assertThat(Yaml.map(Yaml.at(management, "metadata", "labels")).entrySet())
                .containsAll(Yaml.map(Yaml.at(monitor, "spec", "selector", "matchLabels")).entrySet());
        assertThat(Yaml.string(Yaml.list(Yaml.at(monitor, "spec", "endpoints")).get(0), "path")).isEqualTo("/metrics");
    }

    @Test
    void theIngressTakesAWholeMaximumSizeUploadAndKeepsLongRequestsOpen() {
        Map<String, Object> ingress = manifests.find("Ingress", "scriptorium").orElseThrow();
        Map<String, Object> annotations = Yaml.map(Yaml.at(ingress, "metadata", "annotations"));
        long maxUpload = Long.parseLong(Yaml.string(manifests.find("ConfigMap", "scriptorium-config").orElseThrow(),
                "data", "MAX_UPLOAD_BYTES"));
        String bodySize = annotations.get("nginx.ingress.kubernetes.io/proxy-body-size").toString();
        assertThat(bodySize).endsWith("m");
        assertThat(Long.parseLong(bodySize.replace("m", "")) * 1024 * 1024).isGreaterThan(maxUpload);
        assertThat(annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering")).isEqualTo("off");
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout").toString()))
                .isGreaterThanOrEqualTo(3600);
    }

    private static String mountOf(Container container, String claim) {
        String volume = Yaml.list(Yaml.at(container.pod(), "spec", "volumes")).stream()
                .filter(candidate -> claim.equals(Yaml.string(candidate, "persistentVolumeClaim", "claimName")))
                .map(candidate -> Yaml.string(candidate, "name")).findFirst().orElseThrow(() -> new AssertionError(
                        container.workloadName() + " does not mount " + claim));
        return Yaml.list(container.spec().get("volumeMounts")).stream()
                .filter(mount -> volume.equals(Yaml.string(mount, "name")))
                .map(mount -> Yaml.string(mount, "mountPath")).findFirst().orElseThrow();
    }

    record Validation(int exitCode, String output) {
    }

    private static Validation validate(Path... files) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", VALIDATOR.toString()));
        for (Path file : files) {
            command.add(file.toString());
        }
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes());
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Validation(node.exitValue(), output);
    }
}
