package dev.scriptorium.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of webhooks, the outbound guard and media by URL, read from the environment. */
class OutboundConfigTest {
    @Test
    void byDefaultTheGuardIsStrictAndWebhooksRetrySevenTimesOverAboutTenHours() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of());

        assertThat(config.outbound().allowPrivate()).isFalse();
        assertThat(config.outbound().allowed()).isEmpty();
        assertThat(config.webhooks().maxAttempts()).isEqualTo(7);
        assertThat(config.webhooks().retryDelays().stream().reduce(Duration.ZERO, Duration::plus))
                .isBetween(Duration.ofHours(9), Duration.ofHours(11));
        assertThat(config.webhooks().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.webhooks().anonymousSecret()).isEmpty();
        assertThat(config.ingest().sourceBuckets()).isEmpty();
    }

    @Test
    void outboundAllowPrivateTakesCidrRanges() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of("OUTBOUND_ALLOW_PRIVATE",
                "10.1.0.0/16, fd12::/16"));

        assertThat(config.outbound().allowPrivate()).isFalse();
        assertThat(config.outbound().allowed()).hasSize(2);
    }

    @Test
    void aBadRangeFailsNamingTheVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("OUTBOUND_ALLOW_PRIVATE", "office")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("OUTBOUND_ALLOW_PRIVATE must be");
    }

    @Test
    void aWebhookSecretWithoutTheWhsecPrefixFailsNamingTheVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("WEBHOOK_SECRET", "hunter2")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("WEBHOOK_SECRET is wrong")
                .hasMessageContaining("whsec_");
    }

    @Test
    void retryDelaysAreWrittenAsSecondsMinutesOrHours() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of("WEBHOOK_RETRY_DELAYS", "1s,2m,3h"));

        assertThat(config.webhooks().retryDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofMinutes(2),
                Duration.ofHours(3));
    }

    @Test
    void aBadRetryDelayFailsNamingTheVariableAndTheValue() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("WEBHOOK_RETRY_DELAYS", "5s,soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("WEBHOOK_RETRY_DELAYS")
                .hasMessageContaining("'soon'");
    }

    @Test
    void sourceBucketsAreAListOfValidBucketNames() {
        assertThat(ScriptoriumConfig.fromEnvironment(Map.of("SOURCE_S3_BUCKETS", "inbox, media.archive"))
                .ingest().sourceBuckets()).isEqualTo(List.of("inbox", "media.archive"));
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("SOURCE_S3_BUCKETS", "Inbox!")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("SOURCE_S3_BUCKETS");
    }

    @Test
    void aSourceEndpointWithoutCredentialsFailsNamingTheMissingVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("SOURCE_S3_ENDPOINT",
                "http://media.internal:9000")))
                .hasMessage("SOURCE_S3_ACCESS_KEY is required when SOURCE_S3_ENDPOINT is set");
    }
}
