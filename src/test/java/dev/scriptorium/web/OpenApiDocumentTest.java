package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiContract;
import dev.scriptorium.testing.TestStack;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The OpenAPI document: served, complete, and strict enough that an undocumented field fails the contract. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("ANONYMOUS_ACCESS", "false"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDocumentIsServedWithoutAKeyAsOpenApi31() throws Exception {
        JsonNode document = stack.api().get("/api/v1/openapi.json").json();

        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document).isEqualTo(ApiContract.document());
    }

    @Test
    void everyApiRouteAndMethodIsDocumented() {
        Map<String, Set<String>> routes = stack.application().web().orElseThrow().routes();
        routes.forEach((path, methods) -> {
            if (!path.startsWith("/api/v1/") && !path.startsWith("/v1/")) {
                return;
            }
            for (String method : methods) {
                if (method.equals("HEAD")) {
                    continue;
                }
                assertThat(ApiContract.document().path("paths").path(path).has(method.toLowerCase()))
                        .as("%s %s in the OpenAPI document", method, path).isTrue();
            }
        });
    }

    @Test
    void aFieldTheDocumentDoesNotNameFailsTheContract() throws Exception {
        String status = stack.api().get("/api/v1/status").body();
        String withExtra = status.replaceFirst("\\{", "{\"surprise\":1,");

        assertThatThrownBy(() -> ApiContract.check("GET", "/api/v1/status", 200, "application/json", withExtra))
                .isInstanceOf(AssertionError.class).hasMessageContaining("surprise");
    }

    @Test
    void anUndocumentedStatusFailsTheContract() {
        assertThatThrownBy(() -> ApiContract.check("GET", "/api/v1/status", 418, "application/json", "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("418");
    }
}
