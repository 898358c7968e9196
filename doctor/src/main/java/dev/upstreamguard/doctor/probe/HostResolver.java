package dev.upstreamguard.doctor.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into its addresses, in the order a client would try them. The default is the JVM's
 * ({@link InetAddress#getAllByName(String)}, with its cache); tests inject their own.
 */
@FunctionalInterface
public interface HostResolver {
    /** The JVM's resolver. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of {@code host}, never empty.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
