package dev.corral.wire.fuzz;

import dev.corral.wire.JuteOutput;
import dev.corral.wire.OpCode;
import dev.corral.wire.Xid;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A generator of client frames (payloads without their 4-byte length prefix) that follows the grammar of
 * ZooKeeper's client protocol record by record, and at every field may put what a hostile client would:
 * nulls, negative, huge and lying lengths and counts, out-of-range flags, modes and types, invalid paths,
 * unknown opcodes and multi op types, nested and mixed multis, and truncated or padded frames. Most
 * fields stay valid, so a run builds up state (znodes of every kind, watches, ephemerals, auth) for the
 * hostile fields to meet.
 *
 * <pre>
 * frame       = connect | request | garbage
 * connect     = int protocolVersion, long lastZxidSeen, int timeOut, long sessionId, buffer passwd, [bool readOnly]
 * request     = int xid, int opcode, body            ; body by opcode (zookeeper.jute), or nothing
 * multi       = { MultiHeader(type, done=false, err) op } MultiHeader(-1, done=true, -1)
 * hostile     = truncated(frame) | frame + junk | bitflips(frame) | random bytes
 * </pre>
 *
 * Seeded by its {@link Random}: the same seed gives the same frames. Shared by the in-process fuzzer of
 * the Node and the network fuzzer of the compat module (it writes bytes only, so it can talk to any server).
 */
public final class RequestGrammar {
    /** Every opcode of ZooKeeper 3.9's ZooDefs.OpCode, plus ones no server knows. */
    private static final int[] OPCODES = {OpCode.CREATE, OpCode.DELETE, OpCode.EXISTS, OpCode.GET_DATA, OpCode.SET_DATA,
        OpCode.GET_ACL, OpCode.SET_ACL, OpCode.GET_CHILDREN, OpCode.SYNC, OpCode.PING, OpCode.GET_CHILDREN2, OpCode.CHECK,
        OpCode.MULTI, OpCode.CREATE2, OpCode.RECONFIG, OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES, OpCode.CREATE_CONTAINER,
        OpCode.DELETE_CONTAINER, OpCode.CREATE_TTL, OpCode.MULTI_READ, OpCode.AUTH, OpCode.SET_WATCHES, OpCode.SASL,
        OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.SET_WATCHES2, OpCode.ADD_WATCH, OpCode.WHO_AM_I,
        OpCode.CREATE_SESSION, OpCode.CLOSE_SESSION, OpCode.NOTIFICATION, OpCode.ERROR, 10, 23, 99, 108, 1000};
    private static final int[] WRITE_OPS = {OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL,
        OpCode.DELETE, OpCode.SET_DATA, OpCode.CHECK};
    private static final int[] READ_OPS = {OpCode.GET_DATA, OpCode.GET_CHILDREN};
    private static final String[] NAMES = {"a", "b", "c", "d"};
    private static final String[] BAD_PATHS = {"", "a", "/a/", "//a", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a\u0000b",
        "/\u0001", "/\ud800", "/\uffff", "/zookeeper", "/zookeeper/quota", "/zookeeper/config", "/zookeeper/x", "/"};
    private static final String[] SCHEMES = {"digest", "ip", "world", "auth", "super", "sasl", "x509", "bogus", ""};
    private static final long TTL_MAX_MS = 0xffffffffffL;

    private final Random random;
    private final String root;
    /** Percent of fields written hostile; the rest follow the schema with plausible values. */
    private final int hostilePercent;
    private int lastOpcode;
    private boolean zooKeeperKillers = true;
    // Invariant: null, or the one opcode every request gets.
    private Integer onlyOpcode;

    /**
     * @param root the znode under which valid paths are made ("/" for the whole tree)
     * @param hostilePercent how often, in percent, a field or a frame is made hostile
     */
    public RequestGrammar(Random random, String root, int hostilePercent) {
        this.random = random;
        this.root = root.equals("/") ? "" : root;
        this.hostilePercent = hostilePercent;
    }

    /**
     * Leaves out the requests known to kill Apache ZooKeeper 3.9.5, so that a run against it can find what
     * else breaks it: a createTTL whose flags are not a TTL mode and whose ttl is negative passes its
     * checks and fails when applied (EphemeralType.TTL.toEphemeralOwner), which stops the server, and the
     * logged txn stops it again at every restart.
     */
    public RequestGrammar withoutZooKeeperKillers() {
        zooKeeperKillers = false;
        return this;
    }

    /** Makes every {@link #request} one of {@code opcode}, with its fields as hostile as ever. */
    public RequestGrammar withOpcode(int opcode) {
        onlyOpcode = opcode;
        return this;
    }

    /** The opcode of the last {@link #request}, as written in its header (for statistics). */
    public int lastOpcode() {
        return lastOpcode;
    }

    /** A valid ConnectRequest for a new session (sessionId 0) or to resume one. */
    public byte[] connect(long sessionId, byte[] password, long lastZxidSeen, int timeoutMs) {
        JuteOutput out = new JuteOutput();
        out.writeInt(0);
        out.writeLong(lastZxidSeen);
        out.writeInt(timeoutMs);
        out.writeLong(sessionId);
        out.writeBuffer(password);
        out.writeBool(false);
        return out.toByteArray();
    }

    /** A ConnectRequest with any of its fields hostile, or cut short, or garbage. */
    public byte[] hostileConnect() {
        JuteOutput out = new JuteOutput();
        out.writeInt(pick(0, 0, -1, 1, Integer.MAX_VALUE, random.nextInt()));
        out.writeLong(random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(3));
        out.writeInt(pick(30_000, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt(100_000)));
        out.writeLong(random.nextInt(3) == 0 ? random.nextLong() : 0);
        buffer(out, random.nextInt(3) == 0 ? randomBytes(random.nextInt(40)) : new byte[16]);
        if (random.nextBoolean()) {
            out.writeRaw(new byte[] {(byte) random.nextInt(3)}, 0, 1);
        }
        return mutateFrame(out.toByteArray(), true);
    }

    /** One request frame: a header and the body of its opcode, hostile in some fields or as a whole. */
    public byte[] request(int xid) {
        int opcode = onlyOpcode != null ? onlyOpcode : opcode();
        lastOpcode = opcode;
        JuteOutput out = new JuteOutput();
        out.writeInt(xid(xid, opcode));
        out.writeInt(opcode);
        body(out, opcode);
        return mutateFrame(out.toByteArray(), hostile());
    }

    /** Random bytes of random length (up to 64), for frames that follow no grammar at all. */
    public byte[] garbage() {
        return randomBytes(random.nextInt(65));
    }

    private int opcode() {
        if (hostile() && random.nextInt(4) == 0) {
            return random.nextBoolean() ? random.nextInt(300) - 20 : random.nextInt();
        }
        // Weighted toward the requests that build state: creates, reads with watches, and the watch ops.
        return switch (random.nextInt(12)) {
            case 0, 1 -> pick(OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL);
            case 2 -> pick(OpCode.GET_DATA, OpCode.EXISTS, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2);
            case 3 -> pick(OpCode.SET_DATA, OpCode.DELETE, OpCode.SET_ACL);
            case 4 -> pick(OpCode.ADD_WATCH, OpCode.SET_WATCHES, OpCode.SET_WATCHES2, OpCode.REMOVE_WATCHES, OpCode.CHECK_WATCHES);
            case 5 -> pick(OpCode.MULTI, OpCode.MULTI_READ);
            default -> OPCODES[random.nextInt(OPCODES.length)];
        };
    }

    private int xid(int xid, int opcode) {
        if (hostile()) {
            return pick(Xid.NOTIFICATION, Xid.PING, Xid.AUTH_PACKET, Xid.SET_WATCHES, 0, Integer.MIN_VALUE, random.nextInt());
        }
        return switch (opcode) {
            case OpCode.PING -> Xid.PING;
            case OpCode.AUTH -> Xid.AUTH_PACKET;
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> Xid.SET_WATCHES;
            default -> xid;
        };
    }

    private void body(JuteOutput out, int opcode) {
        switch (opcode) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> create(out, opcode, false);
            case OpCode.CREATE_TTL -> create(out, opcode, true);
            case OpCode.DELETE, OpCode.CHECK -> {
                string(out, path());
                out.writeInt(version());
            }
            case OpCode.SET_DATA -> {
                string(out, path());
                buffer(out, data());
                out.writeInt(version());
            }
            case OpCode.SET_ACL -> {
                string(out, path());
                acl(out);
                out.writeInt(version());
            }
            case OpCode.EXISTS, OpCode.GET_DATA, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 -> {
                string(out, path());
                bool(out);
            }
            case OpCode.GET_ACL, OpCode.SYNC, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.DELETE_CONTAINER -> string(out, path());
            case OpCode.GET_EPHEMERALS -> string(out, random.nextInt(3) == 0 ? root : path());
            case OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES -> {
                string(out, path());
                out.writeInt(hostile() ? random.nextInt(10) - 2 : 1 + random.nextInt(5));
            }
            case OpCode.ADD_WATCH -> {
                string(out, path());
                out.writeInt(hostile() ? pick(2, -1, random.nextInt()) : random.nextInt(2));
            }
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> {
                out.writeLong(pick(0L, 1L, 100L, Long.MAX_VALUE, -1L, random.nextLong()));
                for (int list = 0; list < (opcode == OpCode.SET_WATCHES ? 3 : 5); list++) {
                    paths(out);
                }
            }
            case OpCode.MULTI -> multi(out, false, 0);
            case OpCode.MULTI_READ -> multi(out, true, 0);
            case OpCode.RECONFIG -> {
                string(out, random.nextBoolean() ? null : "server.2=127.0.0.1:2888:3888;2182");
                string(out, random.nextBoolean() ? null : "2");
                string(out, random.nextBoolean() ? null : "server.1=127.0.0.1:2888:3888;2181");
                out.writeLong(pick(-1L, 0L, random.nextLong()));
            }
            case OpCode.AUTH -> {
                out.writeInt(pick(0, 0, 1, -1, random.nextInt()));
                string(out, hostile() ? pickString(null, randomString()) : pickString(SCHEMES));
                buffer(out, auth());
            }
            case OpCode.SASL -> buffer(out, hostile() ? null : randomBytes(random.nextInt(64)));
            default -> {
                // ping, closeSession, whoAmI and the unknown opcodes have no body; sometimes send one anyway.
                if (hostile()) {
                    byte[] extra = randomBytes(random.nextInt(16));
                    out.writeRaw(extra, 0, extra.length);
                }
            }
        }
    }

    private void create(JuteOutput out, int opcode, boolean ttl) {
        string(out, path());
        buffer(out, data());
        acl(out);
        int flags = hostile() ? pick(7, -1, 100, Integer.MIN_VALUE, random.nextInt(7)) : createFlags(opcode);
        out.writeInt(flags);
        if (ttl) {
            boolean ttlMode = flags == 5 || flags == 6;
            long value = hostile() ? pick(-1L, 0L, Long.MAX_VALUE, Long.MIN_VALUE, TTL_MAX_MS + 1, random.nextLong())
                    : ttlMode ? 1 + random.nextInt(5_000) : -1;
            if (!zooKeeperKillers && !ttlMode && value < 0) {
                value = 1 + random.nextInt(5_000);
            }
            out.writeLong(value);
        }
    }

    /**
     * Flags that fit the opcode: ephemeral and sequential for create, container for createContainer, TTL
     * modes for createTTL, which now and then carries another mode with ttl -1, as the client's create
     * does (ZooKeeper 3.9.5 dies on that one: see {@link #withoutZooKeeperKillers}).
     */
    private int createFlags(int opcode) {
        return switch (opcode) {
            case OpCode.CREATE_CONTAINER -> 4;
            case OpCode.CREATE_TTL -> !zooKeeperKillers || random.nextInt(5) > 0 ? 5 + random.nextInt(2) : random.nextInt(5);
            default -> random.nextInt(4);
        };
    }

    private void multi(JuteOutput out, boolean read, int depth) {
        int ops = hostile() ? random.nextInt(12) : random.nextInt(5);
        for (int i = 0; i < ops; i++) {
            int type;
            if (hostile()) {
                type = random.nextInt(3) == 0 ? (read ? OpCode.MULTI_READ : OpCode.MULTI) : OPCODES[random.nextInt(OPCODES.length)];
            } else {
                type = read ? READ_OPS[random.nextInt(READ_OPS.length)] : WRITE_OPS[random.nextInt(WRITE_OPS.length)];
            }
            out.writeInt(type);
            out.writeBool(false);
            out.writeInt(hostile() ? random.nextInt() : -1);
            if ((type == OpCode.MULTI || type == OpCode.MULTI_READ) && depth < 3) {
                multi(out, type == OpCode.MULTI_READ, depth + 1); // a multi nested where an op record goes
            } else {
                body(out, type);
            }
        }
        if (!hostile() || random.nextBoolean()) {
            out.writeInt(-1);
            out.writeBool(true);
            out.writeInt(-1);
        }
    }

    private void acl(JuteOutput out) {
        if (!hostile()) {
            int entries = 1 + (random.nextInt(4) == 0 ? 1 : 0);
            out.writeInt(entries);
            for (int i = 0; i < entries; i++) {
                boolean open = i == 0 && random.nextInt(5) > 0;
                out.writeInt(open ? 31 : pick(1, 3, 17, 31));
                string(out, open ? "world" : pickString("world", "digest", "auth", "ip"));
                string(out, open ? "anyone" : pickString("anyone", "u:qF1z1R9Y5bW+oNt6zJcWbq6SzWk=", "", "127.0.0.1", "10.0.0.0/8"));
            }
            return;
        }
        int count = count();
        int written = Math.max(0, Math.min(count, 4));
        out.writeInt(count);
        for (int i = 0; i < written; i++) {
            out.writeInt(pick(31, 0, 32, -1, random.nextInt()));
            string(out, pickString(null, "world", "digest", "ip", "auth", "bogus", randomString()));
            string(out, pickString(null, "anyone", "u:p", "300.1.1.1", "1.2.3.4/99", "", randomString()));
        }
    }

    private void paths(JuteOutput out) {
        if (hostile()) {
            int count = count();
            out.writeInt(count);
            for (int i = 0; i < Math.max(0, Math.min(count, 4)); i++) {
                string(out, random.nextInt(3) == 0 ? null : path());
            }
            return;
        }
        int count = random.nextInt(3);
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            string(out, path());
        }
    }

    /** A vector count: null, empty, negative, more than follows, or absurd. */
    private int count() {
        return pick(-1, 0, 1, 2, -2, Integer.MIN_VALUE, 5, 1000, Integer.MAX_VALUE);
    }

    private String path() {
        if (hostile()) {
            return switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> pickString(BAD_PATHS);
                case 2 -> root + "/" + "n".repeat(1 + random.nextInt(2_000));
                default -> "/" + randomString();
            };
        }
        StringBuilder path = new StringBuilder(root);
        int depth = 1 + random.nextInt(3);
        for (int i = 0; i < depth; i++) {
            path.append('/').append(NAMES[random.nextInt(NAMES.length)]);
        }
        return random.nextInt(20) == 0 && !root.isEmpty() ? root : path.toString();
    }

    private byte[] data() {
        if (hostile()) {
            return random.nextBoolean() ? null : new byte[random.nextInt(64 * 1024)];
        }
        return randomBytes(random.nextInt(16));
    }

    private byte[] auth() {
        if (hostile()) {
            return random.nextBoolean() ? null : randomBytes(random.nextInt(64));
        }
        String credentials = pickString("u:p", "v:q", "fuzz:fuzz", "nocolon", ":", "127.0.0.1");
        return credentials.getBytes(StandardCharsets.UTF_8);
    }

    private void bool(JuteOutput out) {
        out.writeRaw(new byte[] {(byte) (hostile() ? random.nextInt(256) : random.nextInt(2))}, 0, 1);
    }

    private int version() {
        return hostile() ? pick(Integer.MIN_VALUE, Integer.MAX_VALUE, -2, random.nextInt()) : random.nextInt(4) - 1;
    }

    /** A ustring whose length may lie: negative other than -1, or more bytes than follow. */
    private void string(JuteOutput out, String value) {
        buffer(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private void buffer(JuteOutput out, byte[] value) {
        if (hostile() && random.nextInt(3) == 0) {
            int length = pick(-2, -1000, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 20, value == null ? 10 : value.length + 1 + random.nextInt(100));
            out.writeInt(length);
            if (value != null) {
                out.writeRaw(value, 0, value.length);
            }
            return;
        }
        out.writeBuffer(value);
    }

    /** Cuts a frame short, pads it with junk, flips bits in it, or replaces it; or leaves it as it is. */
    private byte[] mutateFrame(byte[] frame, boolean mutate) {
        if (!mutate || random.nextInt(4) > 0) {
            return frame;
        }
        return switch (random.nextInt(4)) {
            case 0 -> Arrays.copyOf(frame, random.nextInt(frame.length + 1));
            case 1 -> {
                byte[] junk = randomBytes(1 + random.nextInt(32));
                byte[] padded = Arrays.copyOf(frame, frame.length + junk.length);
                System.arraycopy(junk, 0, padded, frame.length, junk.length);
                yield padded;
            }
            case 2 -> {
                byte[] flipped = frame.clone();
                for (int i = 0, flips = 1 + random.nextInt(4); i < flips && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                yield flipped;
            }
            default -> garbage();
        };
    }

    private boolean hostile() {
        return random.nextInt(100) < hostilePercent;
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }

    private long pick(long... values) {
        return values[random.nextInt(values.length)];
    }

    private String pickString(String... values) {
        return values[random.nextInt(values.length)];
    }

    private String randomString() {
        char[] chars = new char[random.nextInt(12)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt(random.nextBoolean() ? 0x80 : 0x10000);
        }
        return new String(chars);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The opcodes {@link #request} chooses among (besides random ones), for coverage reports. */
    public static List<Integer> opcodes() {
        return Arrays.stream(OPCODES).boxed().toList();
    }
}
