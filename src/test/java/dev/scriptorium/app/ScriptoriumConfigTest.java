package dev.scriptorium.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptoriumConfigTest {
    @Test
    void anEmptyEnvironmentMeansEmbeddedServicesAndDocumentedDefaults() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of());
        assertThat(config.database()).isEmpty();
        assertThat(config.storage()).isEmpty();
        assertThat(config.redisUrl()).isEmpty();
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().maxUploadBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(config.whisper().model().toString()).isEqualTo("models/ggml-base.en.bin");
    }

    @Test
    void anUnsetWhisperModelIsTheDefaultFileThatServeMayStandASyntheticModelInFor() {
        assertThat(ScriptoriumConfig.fromEnvironment(Map.of()).whisper().modelSet()).isFalse();
        var set = ScriptoriumConfig.fromEnvironment(Map.of("WHISPER_MODEL", "models/ggml-base.en.bin")).whisper();
        assertThat(set.modelSet()).isTrue();
        assertThat(set.model().toString()).isEqualTo("models/ggml-base.en.bin");
    }

    @Test
    void aChildIsHungAfterTwoMinutesWithoutCpuAndTheWallClockLimitIsAGenerousLastResort() {
        var limits = ScriptoriumConfig.fromEnvironment(Map.of()).sandbox().timeouts();
        assertThat(limits.hangAfter()).hasSeconds(120);
        assertThat(limits.factor()).isEqualTo(10);
        assertThat(limits.floor()).hasMinutes(10);
        assertThat(limits.ceiling()).hasHours(6);
    }

    @Test
    void aHangTimeOfZeroFailsNamingTheVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("HANG_SECONDS", "0")))
                .hasMessageStartingWith("HANG_SECONDS must be between 1 and");
    }

    @Test
    void aNonNumericValueFailsNamingTheVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("MAX_UPLOAD_BYTES", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("MAX_UPLOAD_BYTES must be a whole number, but is 'lots'");
    }

    @Test
    void anOutOfRangeValueFailsNamingTheVariableAndTheRange() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("HTTP_PORT", "70000")))
                .hasMessage("HTTP_PORT must be between 0 and 65535, but is 70000");
    }

    @Test
    void anS3EndpointWithoutCredentialsFailsNamingTheMissingVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("S3_ENDPOINT", "http://s3.local:9000")))
                .hasMessage("S3_ACCESS_KEY is required when S3_ENDPOINT is set");
    }

    @Test
    void aPostgresUrlWithCredentialsBecomesJdbcCoordinates() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(
                Map.of("DATABASE_URL", "postgres://app:secret@db.local:5433/scriptorium"));
        ScriptoriumConfig.DatabaseSettings database = config.database().orElseThrow();
        assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/scriptorium");
        assertThat(database.user()).isEqualTo("app");
        assertThat(database.password()).isEqualTo("secret");
        assertThat(database.toString()).doesNotContain("secret");
    }

    @Test
    void aBooleanMustBeTrueOrFalse() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("WHISPER_TIMESTAMPS", "maybe")))
                .hasMessage("WHISPER_TIMESTAMPS must be true or false, but is 'maybe'");
    }

    @Test
    void aRedisUrlMustUseTheRedisScheme() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("REDIS_URL", "http://cache:6379")))
                .hasMessageStartingWith("REDIS_URL must start with redis:// or rediss://");
    }

    @Test
    void retentionDefaultsAreAWeekForMediaNinetyDaysForJobsAndTwoWeeksForFailedOnes() {
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of());
        assertThat(config.retention().media()).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(config.retention().completedJob()).isEqualTo(java.time.Duration.ofDays(90));
        assertThat(config.retention().failedJob()).isEqualTo(java.time.Duration.ofDays(14));
        assertThat(config.retention().cron()).isEqualTo("0 * * * *");
    }

    @Test
    void mediaKeptLongerThanItsJobFailsNamingBothVariables() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("RETENTION_MEDIA_DAYS", "30",
                "RETENTION_JOB_DAYS", "10")))
                .hasMessageStartingWith("RETENTION_MEDIA_DAYS (30) must not exceed RETENTION_JOB_DAYS (10)");
    }

    @Test
    void aBadCleanupCronFailsNamingTheVariable() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("CLEANUP_CRON", "every hour")))
                .hasMessageStartingWith("CLEANUP_CRON must be a cron expression");
    }

    @Test
    void aShortAdminTokenFailsAndTheTokenNeverShowsInTheSettingsText() {
        assertThatThrownBy(() -> ScriptoriumConfig.fromEnvironment(Map.of("ADMIN_TOKEN", "short")))
                .hasMessageStartingWith("ADMIN_TOKEN must be at least 16 characters long");
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(Map.of("ADMIN_TOKEN", "a-long-enough-secret-token"));
        assertThat(config.http().toString()).doesNotContain("a-long-enough-secret-token");
    }
}
