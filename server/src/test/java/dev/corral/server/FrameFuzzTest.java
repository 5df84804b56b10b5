package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.wire.Acl;
import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.AuthPacket;
import dev.corral.wire.CheckVersionRequest;
import dev.corral.wire.ConnectRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.Id;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.RequestHeader;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.SyncRequest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends thousands of random and mutated frames over many connections to a running server, then checks
 * that it still serves a normal client and that a subtree the fuzzer could not touch is unchanged. The
 * run is bounded in frames, connections and time, and seeded: a failure prints the seed that replays it.
 */
class FrameFuzzTest {
    private static final int CONNECTIONS = 300;
    private static final int CONCURRENT_CONNECTIONS = 8;
    private static final int FRAMES_PER_CONNECTION = 100;
    private static final long DEADLINE_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void randomAndMutatedFramesCloseOnlyTheirConnectionAndLeaveTheTreeIntact() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        List<RuntimeException> fatal = new CopyOnWriteArrayList<>();
        ServerConfig config = ServerConfig.defaults().listeningOn(0, dir);
        try (CorralServer server = new CorralServer(config, fatal::add)) {
            server.start();
            ZooKeeper owner = Connected.zk(server.port());
            owner.addAuthInfo("digest", "owner:secret".getBytes(StandardCharsets.UTF_8));
            var guarded = new ArrayList<>(List.of(
                    new org.apache.zookeeper.data.ACL(ZooDefs.Perms.ALL,
                            new org.apache.zookeeper.data.Id("digest", DigestAuthenticationProvider.generateDigest("owner:secret"))),
                    new org.apache.zookeeper.data.ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
            owner.create("/guard", "keep".getBytes(StandardCharsets.UTF_8), guarded, CreateMode.PERSISTENT);
            owner.create("/guard/child", "child".getBytes(StandardCharsets.UTF_8), guarded, CreateMode.PERSISTENT);
            Stat before = owner.exists("/guard", false);

            long deadline = System.currentTimeMillis() + DEADLINE_MS;
            List<CompletableFuture<Integer>> fuzzers = new ArrayList<>();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(CONCURRENT_CONNECTIONS);
            for (int i = 0; i < CONNECTIONS; i++) {
                long connectionSeed = seed + i;
                fuzzers.add(CompletableFuture.supplyAsync(() -> fuzzOneConnection(server.port(), connectionSeed, deadline), pool));
            }
            int sent = 0;
            for (CompletableFuture<Integer> fuzzer : fuzzers) {
                sent += fuzzer.get(DEADLINE_MS + 30_000, TimeUnit.MILLISECONDS);
            }
            pool.shutdown();

            assertThat(fatal).as("state machine errors (seed %d)", seed).isEmpty();
            assertThat(sent).as("frames sent (seed %d)", seed).isGreaterThan(CONNECTIONS * 5);
            Stat after = new Stat();
            byte[] data = owner.getData("/guard", false, after);
            assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo("keep");
            assertThat(after).as("seed %d", seed).isEqualTo(before);
            assertThat(owner.getChildren("/guard", false)).containsExactly("child");
            owner.create("/after-fuzz", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertThat(owner.exists("/after-fuzz", false)).isNotNull();
            owner.close();
        }
    }

    /** One connection's fuzz: a handshake (usually valid), then valid, mutated and random frames. */
    private static int fuzzOneConnection(int port, long seed, long deadline) {
        Random random = new Random(seed);
        int sent = 0;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(2_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            InputStream drain = socket.getInputStream();
            Thread reader = new Thread(() -> drainQuietly(drain), "fuzz-drain");
            reader.setDaemon(true);
            reader.start();
            if (random.nextInt(10) > 0) {
                writeFrame(out, frame(o -> new ConnectRequest(0, 0, 10_000, 0, new byte[16], false, true).write(o)));
            }
            for (int i = 0; i < FRAMES_PER_CONNECTION && System.currentTimeMillis() < deadline; i++) {
                byte[] valid = validRequest(random, i + 1);
                // Mostly valid frames, so that a connection lives long enough to reach deep states.
                byte[] frame = switch (random.nextInt(12)) {
                    case 0 -> flipBytes(valid, random);
                    case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                    case 2 -> randomBytes(random, random.nextInt(64));
                    case 3 -> java.util.Arrays.copyOf(valid, valid.length + random.nextInt(16));
                    case 4 -> withRandomOpcode(valid, random);
                    default -> valid;
                };
                if (random.nextInt(200) == 0) {
                    out.writeInt(random.nextBoolean() ? -1 - random.nextInt(1000) : 0x7fffff00 + random.nextInt(200));
                } else {
                    writeFrame(out, frame);
                }
                sent++;
            }
            out.flush();
        } catch (IOException closedByServer) {
            // The server closing a fuzzed connection is an expected outcome, not a failure.
        }
        return sent;
    }

    private static byte[] validRequest(Random random, int xid) {
        String path = "/" + (random.nextBoolean() ? "guard" : "f" + random.nextInt(5)) + (random.nextBoolean() ? "/c" : "");
        List<Acl> acl = Acl.OPEN_ACL_UNSAFE;
        return switch (random.nextInt(14)) {
            case 0 -> request(xid, OpCode.CREATE, o -> new CreateRequest(path, new byte[random.nextInt(8)], acl, random.nextInt(8)).write(o));
            case 1 -> request(xid, OpCode.CREATE_TTL, o -> new CreateTTLRequest(path, new byte[1], acl, 5, random.nextInt(3) - 1).write(o));
            case 2 -> request(xid, OpCode.DELETE, o -> new DeleteRequest(path, random.nextInt(3) - 1).write(o));
            case 3 -> request(xid, OpCode.SET_DATA, o -> new SetDataRequest(path, new byte[2], -1).write(o));
            case 4 -> request(xid, OpCode.GET_DATA, o -> new GetDataRequest(path, random.nextBoolean()).write(o));
            case 5 -> request(xid, OpCode.GET_CHILDREN2, o -> new GetChildrenRequest(path, true).write(o));
            case 6 -> request(xid, OpCode.SET_ACL, o -> new SetACLRequest(path, List.of(new Acl(31, new Id("world", "anyone"))), -1).write(o));
            case 7 -> request(xid, OpCode.MULTI, o -> new MultiRequest(List.of(
                    new MultiRequest.Op(OpCode.CREATE, new CreateRequest(path, new byte[0], acl, 0)),
                    new MultiRequest.Op(OpCode.CHECK, new CheckVersionRequest(path, 0)),
                    new MultiRequest.Op(OpCode.DELETE, new DeleteRequest(path, -1)))).write(o));
            case 8 -> request(xid, OpCode.SET_WATCHES2, o -> new SetWatches2(0, List.of(path), List.of(path), List.of(path),
                    List.of(path), List.of("/")).write(o));
            case 9 -> request(xid, OpCode.ADD_WATCH, o -> new AddWatchRequest(path, random.nextInt(3)).write(o));
            case 10 -> request(xid, OpCode.REMOVE_WATCHES, o -> new RemoveWatchesRequest(path, random.nextInt(7)).write(o));
            case 11 -> request(-4, OpCode.AUTH, o -> new AuthPacket(0, random.nextBoolean() ? "digest" : "bogus",
                    "u:p".getBytes(StandardCharsets.UTF_8)).write(o));
            case 12 -> request(xid, OpCode.SYNC, o -> new SyncRequest(path).write(o));
            default -> request(-2, OpCode.PING, o -> { });
        };
    }

    private static byte[] request(int xid, int type, Consumer<JuteOutput> body) {
        return frame(o -> {
            new RequestHeader(xid, type).write(o);
            body.accept(o);
        });
    }

    private static byte[] frame(Consumer<JuteOutput> body) {
        JuteOutput out = new JuteOutput();
        body.accept(out);
        return out.toByteArray();
    }

    private static byte[] flipBytes(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private static byte[] withRandomOpcode(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        if (copy.length >= 8) {
            int type = random.nextInt(130) - 15;
            copy[4] = (byte) (type >>> 24);
            copy[5] = (byte) (type >>> 16);
            copy[6] = (byte) (type >>> 8);
            copy[7] = (byte) type;
        }
        return copy;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
    }

    private static void drainQuietly(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            DataInputStream data = new DataInputStream(in);
            while (data.read(buffer) >= 0) {
                // Replies are read only so the server never blocks on a full socket buffer.
            }
        } catch (IOException ignored) {
            // Closed by the server or by the test.
        }
    }
}
