package dev.scriptorium.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The only way {@link OutboundHttp}'s connections learn an address: the guard resolves and checks the name, and the
 * client connects to one of the addresses it returned, so that no second lookup can answer differently. HttpClient
 * asks for IP literals too (its host carries no address), which is what makes {@code http://127.0.0.1/} refusable.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final OutboundGuard guard;

    GuardedDnsResolver(OutboundGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        try {
            return guard.check(uriFor(host)).toArray(InetAddress[]::new);
        } catch (OutboundGuard.RefusedException e) {
            throw new Refusal(e.getMessage());
        }
    }

    /** Only SPNEGO asks for this, which the client never does; a lookup here would be one the guard did not see. */
    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    private static URI uriFor(String host) throws Refusal {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            // The guard reads only the scheme and the host; this constructor brackets an IPv6 literal for it.
            return new URI("http", null, bare, -1, "/", null, null);
        } catch (URISyntaxException e) {
            throw new Refusal("'" + host + "' is not a host name.");
        }
    }

    /**
     * The guard's refusal, shaped as the exception HttpClient lets out of a resolver unchanged, so that
     * {@link OutboundHttp} can tell it from a failure and hand on the guard's reason.
     */
    static final class Refusal extends UnknownHostException {
        Refusal(String reason) {
            super(reason);
        }
    }
}
