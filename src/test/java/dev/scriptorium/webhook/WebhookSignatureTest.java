package dev.scriptorium.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void signsTheStandardWebhooksSpecificationsExample() {
        // The example of the specification and of its reference libraries' tests.
        String signature = WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void newSecretsAreWhsecAndThirtyTwoRandomBytes() {
        String one = WebhookSignature.newSecret();

        assertThat(one).startsWith("whsec_").isNotEqualTo(WebhookSignature.newSecret());
        assertThat(WebhookSignature.key(one)).hasSize(32);
    }

    @Test
    void aSecretWithoutThePrefixIsRefusedSayingWhatASecretLooksLike() {
        assertThatThrownBy(() -> WebhookSignature.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
    }

    @Test
    void aSecretTooShortToBeSafeIsRefused() {
        assertThatThrownBy(() -> WebhookSignature.key("whsec_c2hvcnQ="))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("24 to 64 bytes");
    }
}
