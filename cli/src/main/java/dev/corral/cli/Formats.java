package dev.corral.cli;

import dev.corral.wire.Acl;
import dev.corral.wire.ErrorCode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the storage tools write values, the same in text and JSON: zxids and session ids in hex with
 * "0x" (64-bit ids do not survive JSON numbers in most readers), times in ISO-8601 UTC with
 * milliseconds, ACL entries as zkCli's setAcl takes them ({@code world:anyone:cdrwa}).
 */
final class Formats {
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Map<Integer, String> ERROR_NAMES = errorNames();

    private Formats() {}

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    static String time(long epochMs) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
    }

    /** Permissions in zkCli's letters and order: c(reate) d(elete) r(ead) w(rite) a(dmin). */
    static String perms(int perms) {
        StringBuilder letters = new StringBuilder();
        letters.append((perms & Acl.CREATE) != 0 ? "c" : "");
        letters.append((perms & Acl.DELETE) != 0 ? "d" : "");
        letters.append((perms & Acl.READ) != 0 ? "r" : "");
        letters.append((perms & Acl.WRITE) != 0 ? "w" : "");
        letters.append((perms & Acl.ADMIN) != 0 ? "a" : "");
        return letters.toString();
    }

    static String acl(Acl acl) {
        return acl.id().scheme() + ":" + acl.id().id() + ":" + perms(acl.perms());
    }

    static String acl(List<Acl> acl) {
        return acl.stream().map(Formats::acl).collect(Collectors.joining(","));
    }

    /** ZooKeeper's name for a result code ({@code KeeperException.Code}), e.g. NONODE for -101. */
    static String errorName(int code) {
        return ERROR_NAMES.getOrDefault(code, "UNKNOWN");
    }

    /**
     * Parses a zxid as operators copy it from the tools' output ("0x1f") or type it in decimal; returns
     * -1 for anything else.
     */
    static long parseZxid(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                long value = Long.parseUnsignedLong(text.substring(2), 16);
                return value < 0 ? -1 : value;
            }
            long value = Long.parseLong(text);
            return value < 0 ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Read from {@link ErrorCode}'s constants, so the names cannot drift from the codes. */
    private static Map<Integer, String> errorNames() {
        Map<Integer, String> names = new HashMap<>();
        for (Field field : ErrorCode.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                try {
                    names.put(field.getInt(null), field.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Map.copyOf(names);
    }
}
