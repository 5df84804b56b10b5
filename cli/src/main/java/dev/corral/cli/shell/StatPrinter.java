package dev.corral.cli.shell;

import dev.corral.client.Stat;
import java.io.PrintWriter;
import java.util.Date;

/**
 * Prints a Stat as zkCli does, line for line (ZooKeeper 3.9: {@code cli/StatPrinter}); times are
 * {@code java.util.Date#toString} in the JVM's time zone, as there.
 */
final class StatPrinter {
    private StatPrinter() {}

    static void print(PrintWriter out, Stat stat) {
        out.println("cZxid = 0x" + Long.toHexString(stat.czxid()));
        out.println("ctime = " + new Date(stat.ctime()));
        out.println("mZxid = 0x" + Long.toHexString(stat.mzxid()));
        out.println("mtime = " + new Date(stat.mtime()));
        out.println("pZxid = 0x" + Long.toHexString(stat.pzxid()));
        out.println("cversion = " + stat.cversion());
        out.println("dataVersion = " + stat.version());
        out.println("aclVersion = " + stat.aversion());
        out.println("ephemeralOwner = 0x" + Long.toHexString(stat.ephemeralOwner()));
        out.println("dataLength = " + stat.dataLength());
        out.println("numChildren = " + stat.numChildren());
    }
}
