package dev.scriptorium.outbound;

import java.net.InetAddress;
import java.util.List;

/**
 * Where the service may connect on a user's behalf.
 *
 * @param allowPrivate whether every range the guard refuses is open (an on-premises deployment, tests)
 * @param allowed      ranges opened one by one, e.g. the office network that receives webhooks
 */
public record OutboundSettings(boolean allowPrivate, List<Cidr> allowed) {
    public OutboundSettings {
        allowed = List.copyOf(allowed);
    }

    public static OutboundSettings strict() {
        return new OutboundSettings(false, List.of());
    }

    public OutboundGuard guard() {
        return new OutboundGuard(allowPrivate, allowed, InetAddress::getAllByName);
    }
}
