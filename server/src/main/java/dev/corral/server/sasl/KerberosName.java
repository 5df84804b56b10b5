package dev.corral.server.sasl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kerberos principal name split as ZooKeeper 3.9.5's KerberosName splits it (a copy of Hadoop's): at most two
 * components and a realm, {@code service[/host]@REALM}. A name without '@' is a simple name: all of it is the
 * service part, with no host and no realm, whatever slashes it holds; a name with '@' that does not fit the pattern
 * is malformed.
 *
 * @param serviceName the first component
 * @param hostName the second component, or null
 * @param realm the realm, or null for a simple name
 */
public record KerberosName(String serviceName, String hostName, String realm) {
    // ZooKeeper's KerberosName.nameParser.
    private static final Pattern NAME = Pattern.compile("([^/@]*)(/([^/@]*))?@([^/@]*)");

    /**
     * @throws IllegalArgumentException for a name with '@' that has more than two components or more than one '@'
     */
    public static KerberosName parse(String name) {
        Matcher match = NAME.matcher(name);
        if (match.matches()) {
            return new KerberosName(match.group(1), match.group(3), match.group(4));
        }
        if (name.contains("@")) {
            throw new IllegalArgumentException("Malformed Kerberos name: " + name);
        }
        return new KerberosName(name, null, null);
    }

    @Override
    public String toString() {
        return serviceName + (hostName == null ? "" : "/" + hostName) + (realm == null ? "" : "@" + realm);
    }
}
