package dev.scriptorium.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundGuardTest {
    /** Names resolve through this table, never through DNS. */
    private static final Map<String, String[]> NAMES = Map.of(
            "media.example", new String[]{"93.184.216.34"},
            "split.example", new String[]{"93.184.216.34", "10.0.0.7"},
            "inside.example", new String[]{"10.1.2.3"});
    private static final OutboundGuard.Resolver RESOLVER = host -> {
        String[] found = NAMES.get(host);
        if (found != null) {
            InetAddress[] addresses = new InetAddress[found.length];
            for (int i = 0; i < found.length; i++) {
                addresses[i] = InetAddress.getByName(found[i]);
            }
            return addresses;
        }
        if (host.matches("[0-9a-fA-F:.]+")) {
            return new InetAddress[]{InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
    };
    private final OutboundGuard strict = new OutboundGuard(false, List.of(), RESOLVER);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.9.9.9", "[::1]", "10.0.0.1", "172.16.5.5", "192.168.1.1",
            "169.254.169.254", "[fe80::1]", "[fd00::1]", "224.0.0.1", "[ff02::1]", "0.0.0.0", "[::]",
            "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[::ffff:10.0.0.1]", "100.64.0.1", "240.0.0.1"})
    void addressesOfTheMachineThePrivateNetworkOrTheCloudMetadataAreRefused(String host) {
        assertThatThrownBy(() -> strict.check(URI.create("http://" + host + "/hook")))
                .isInstanceOf(OutboundGuard.RefusedException.class)
                .hasMessageContaining("does not connect to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://media.example/a.mp4", "gopher://media.example/"})
    void schemesOtherThanHttpAndHttpsAreRefused(String url) {
        assertThatThrownBy(() -> strict.check(URI.create(url))).isInstanceOf(OutboundGuard.RefusedException.class)
                .hasMessageContaining("Only http and https");
    }

    @Test
    void aPublicAddressIsAllowedAndIsWhatTheCallerConnectsTo() throws Exception {
        assertThat(strict.check(URI.create("https://media.example/talk.mp4")))
                .containsExactly(InetAddress.getByName("93.184.216.34"));
    }

    @Test
    void aNameWithOnePrivateAddressAmongPublicOnesIsRefused() {
        assertThatThrownBy(() -> strict.check(URI.create("https://split.example/")))
                .isInstanceOf(OutboundGuard.RefusedException.class).hasMessageContaining("10.0.0.7");
    }

    @Test
    void aNameThatDoesNotResolveIsRefusedWithAReason() {
        assertThatThrownBy(() -> strict.check(URI.create("https://nowhere.example/")))
                .isInstanceOf(OutboundGuard.RefusedException.class).hasMessageContaining("does not resolve");
    }

    @Test
    void allowingPrivateAddressesOpensThemAll() throws Exception {
        OutboundGuard open = new OutboundGuard(true, List.of(), RESOLVER);

        assertThat(open.check(URI.create("http://127.0.0.1:8080/hook"))).hasSize(1);
        assertThat(open.check(URI.create("http://inside.example/"))).hasSize(1);
    }

    @Test
    void anAllowedRangeOpensOnlyThatRange() throws Exception {
        OutboundGuard onPremises = new OutboundGuard(false, List.of(Cidr.parse("10.1.0.0/16")), RESOLVER);

        assertThat(onPremises.check(URI.create("http://inside.example/"))).hasSize(1);
        assertThatThrownBy(() -> onPremises.check(URI.create("http://10.2.0.1/")))
                .isInstanceOf(OutboundGuard.RefusedException.class);
    }

    @Test
    void aRangeIsWrittenAsAnAddressAndAPrefixLength() {
        assertThat(Cidr.parse("fd00::/8").contains(loopbackFree("fd12::1"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("intranet/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress loopbackFree(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
