package dev.scriptorium.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides where the service may connect on a user's behalf (webhooks, media by URL), so that a URL cannot reach
 * the machine itself, the private network or a cloud's metadata service. The name is resolved here and every address
 * it has is checked; the caller then connects to one of the returned addresses, never resolving the name again, so
 * that a name cannot point elsewhere between the check and the connection. Immutable and thread-safe.
 */
public final class OutboundGuard {
    /** What the guard resolves names with; a test may answer with any address. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final List<Cidr> allowed;
    private final Resolver resolver;

    /**
     * @param allowPrivate whether every refused range is open (on-premises receivers, tests)
     * @param allowed      ranges opened one by one, e.g. {@code 10.1.0.0/16}
     */
    public OutboundGuard(boolean allowPrivate, List<Cidr> allowed, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    public static OutboundGuard strict() {
        return new OutboundGuard(false, List.of(), InetAddress::getAllByName);
    }

    /**
     * Checks a URL and resolves its host.
     *
     * @return the addresses to connect to, all of them allowed
     * @throws RefusedException with a reason a person can read
     */
    public List<InetAddress> check(URI url) throws RefusedException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RefusedException("Only http and https URLs are allowed, not '" + scheme + "'.");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new RefusedException("The URL has no host name.");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new RefusedException("The host name " + host + " does not resolve.");
        }
        List<InetAddress> checked = new ArrayList<>();
        for (InetAddress address : addresses) {
            String refused = refusedRange(address);
            if (refused != null && !allowPrivate && allowed.stream().noneMatch(cidr -> cidr.contains(address))) {
                throw new RefusedException(host + " resolves to " + address.getHostAddress() + ", a " + refused
                        + " address, which this service does not connect to.");
            }
            checked.add(address);
        }
        if (checked.isEmpty()) {
            throw new RefusedException("The host name " + host + " has no address.");
        }
        return checked;
    }

    /** Why an address is refused (the kind of range it lies in), or null if it is a public address. */
    static String refusedRange(InetAddress address) {
        if (address instanceof Inet6Address six) {
            byte[] bytes = six.getAddress();
            InetAddress mapped = embeddedIpv4(bytes);
            if (mapped != null) {
                return refusedRange(mapped);
            }
            if ((bytes[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address) {
            byte[] bytes = address.getAddress();
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            if (first == 0) {
                return "unspecified";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "private (shared address space)";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or IPv4-compatible IPv6 address. */
    private static InetAddress embeddedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return null;
            }
        }
        boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean compatible = bytes[10] == 0 && bytes[11] == 0 && (bytes[12] | bytes[13] | bytes[14]) != 0;
        if (!mapped && !compatible) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[]{bytes[12], bytes[13], bytes[14], bytes[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why a URL may not be fetched or called. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }
}
