package dev.scriptorium.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A range of addresses such as {@code 10.0.0.0/8} or {@code fd00::/8}. Immutable. */
public record Cidr(byte[] network, int prefix) {

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 10.0.0.0/8");
        }
        byte[] network;
        try {
            // Only literal addresses: a name here would be resolved, which a range must never need.
            String literal = text.substring(0, slash).strip();
            if (!literal.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("'" + text + "' does not start with an IP address");
            }
            network = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' does not start with an IP address");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length after the '/'");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
        }
        return new Cidr(network, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
