package dev.corral.server.tls;

import java.util.Locale;

/**
 * The file formats a key or trust store may have, as ZooKeeper 3.9's {@code KeyStoreFileType} names them:
 * the type is the {@code ssl.keyStore.type} / {@code ssl.trustStore.type} value if one is given (any
 * case), else it follows from the file's extension (.jks, .pem, .p12, .bcfks), else it is an error.
 * BCFKS is recognised but refused: it needs the BouncyCastle FIPS provider, which Corral does not ship.
 */
public enum StoreType {
    JKS(".jks"),
    PEM(".pem"),
    PKCS12(".p12"),
    BCFKS(".bcfks");

    private final String extension;

    StoreType(String extension) {
        this.extension = extension;
    }

    /**
     * The type named by {@code typeValue}, or, when it is null or empty, the one {@code location}'s
     * extension implies; an unknown name or extension is an IllegalArgumentException saying which.
     */
    public static StoreType of(String typeValue, String location) {
        if (typeValue != null && !typeValue.isEmpty()) {
            try {
                return valueOf(typeValue.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown store type '" + typeValue + "' (expected JKS, PEM, PKCS12 or BCFKS)");
            }
        }
        int dot = location.lastIndexOf('.');
        if (dot >= 0) {
            String found = location.substring(dot);
            for (StoreType type : values()) {
                if (type.extension.equals(found)) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("cannot tell the store type of " + location
                + " from its name (expected .jks, .pem, .p12 or .bcfks, or set the type)");
    }
}
