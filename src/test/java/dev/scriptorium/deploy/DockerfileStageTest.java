package dev.scriptorium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfile reader that the image replay and the reference checks rely on. */
class DockerfileStageTest {
    @TempDir
    Path dir;

    private List<DockerfileStage> parse(String text) throws Exception {
        Path file = dir.resolve("Dockerfile");
        Files.writeString(file, text);
        return DockerfileStage.parse(file);
    }

    @Test
    void continuationsJoinAndCommentLinesInsideThemAreDropped() throws Exception {
        DockerfileStage stage = parse("""
                FROM debian:bookworm-slim AS runtime
                RUN apt-get update \\
                # a comment inside the continuation
                 && apt-get install -y curl
                """).get(0);

        assertThat(stage.name()).isEqualTo("runtime");
        assertThat(stage.instructions()).hasSize(1);
        assertThat(stage.instructions().get(0).arguments()).isEqualTo("apt-get update  && apt-get install -y curl");
    }

    @Test
    void eachFromStartsAStageAndFlagsAreSeparatedFromArguments() throws Exception {
        List<DockerfileStage> stages = parse("""
                ARG VERSION=1
                FROM maven:3.9 AS jar
                RUN --mount=type=cache,target=/cache mvn package
                FROM debian:bookworm-slim
                COPY --from=jar /build/target/app.jar /app/app.jar
                """);

        assertThat(stages).extracting(DockerfileStage::base).containsExactly("maven:3.9", "debian:bookworm-slim");
        assertThat(stages.get(0).instructions().get(0).flags()).containsEntry("mount", "type=cache,target=/cache");
        assertThat(stages.get(1).instructions().get(0).flags()).containsEntry("from", "jar");
        assertThat(stages.get(1).instructions().get(0).arguments()).isEqualTo("/build/target/app.jar /app/app.jar");
    }

    @Test
    void envValuesLoseTheirQuotesAndExpandEarlierValues() throws Exception {
        DockerfileStage stage = parse("""
                FROM debian:bookworm-slim
                ENV DATA_DIR=/var/lib/app \\
                    OPTS="-Dx=1 -Dy=2"
                ENV WORK_DIR=${DATA_DIR}/work
                """).get(0);

        assertThat(stage.environment()).containsExactly(
                java.util.Map.entry("DATA_DIR", "/var/lib/app"), java.util.Map.entry("OPTS", "-Dx=1 -Dy=2"),
                java.util.Map.entry("WORK_DIR", "/var/lib/app/work"));
    }

    @Test
    void execFormsVolumesAndExposedPortsAreRead() throws Exception {
        DockerfileStage stage = parse("""
                FROM debian:bookworm-slim
                VOLUME ["/var/lib/app", "/tmp"]
                EXPOSE 8080 8081/tcp
                ENTRYPOINT ["/app/entrypoint.sh"]
                CMD ["web"]
                """).get(0);

        assertThat(stage.volumes()).containsExactly("/var/lib/app", "/tmp");
        assertThat(stage.exposedPorts()).containsExactly(8080, 8081);
        assertThat(stage.lastOf("ENTRYPOINT").orElseThrow().words()).containsExactly("/app/entrypoint.sh");
        assertThat(stage.lastOf("CMD").orElseThrow().words()).containsExactly("web");
    }

    @Test
    void anInstructionBeforeTheFirstFromOtherThanArgIsRejected() {
        assertThatThrownBy(() -> parse("RUN true\nFROM debian:bookworm-slim\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before the first FROM");
    }
}
