package dev.corral.cli;

import dev.corral.tree.NodeKind;
import dev.corral.tree.Txn;
import dev.corral.tree.TxnEntry;
import dev.corral.wire.OpCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A logged txn as the {@code log} tool shows it: what ZooKeeper's LogFormatter and TxnLogToolkit print
 * (zxid, time, session, cxid, operation, path) plus the sizes of the data and of the logged request.
 * Operation names are ZooKeeper's ({@code TraceFormatter.op2String}). Pure: no I/O.
 *
 * <p>Text is one line per txn, in fixed columns under {@link #HEADER}, so it suits grep and awk; a multi
 * lists its operations on the same line. JSON is one object per txn:
 *
 * <pre>
 *   {"zxid":"0x5","time":"2025-01-01T00:00:00.000Z","timeMs":1735689600000,"sessionId":"0x1000000000001",
 *    "cxid":3,"type":"create","paths":["/a"],"dataBytes":5,"requestBytes":80,"kind":"persistent",...}
 * </pre>
 *
 * with the fields of its one operation inline, or, for a multi, an {@code "ops"} array of them.
 */
final class TxnView {
    static final String HEADER = String.format("%-18s  %-24s  %-18s  %6s  %-15s  %7s  %7s  %s",
            "ZXID", "TIME", "SESSION", "CXID", "TYPE", "DATA", "REQUEST", "PATH AND DETAIL");

    /** One operation: its name, the path it acts on (if one), its data size (if it carries data), the rest. */
    record Op(String type, String path, Integer dataBytes, Map<String, Object> fields) {}

    private TxnView() {}

    static String text(TxnEntry entry, int requestBytes) {
        List<Op> ops = ops(entry.txn());
        Integer dataBytes = dataBytes(ops);
        String detail = entry.txn() instanceof Txn.Multi
                ? ops.size() + " ops: " + ops.stream().map(op -> join(op.type(), detail(op))).collect(Collectors.joining("; "))
                : detail(ops.get(0));
        return String.format("%-18s  %-24s  %-18s  %6d  %-15s  %7s  %7d  %s", Formats.hex(entry.zxid()),
                Formats.time(entry.timeMs()), Formats.hex(entry.sessionId()), entry.cxid(), type(entry.txn()),
                dataBytes == null ? "-" : dataBytes.toString(), requestBytes, detail.isEmpty() ? "-" : detail);
    }

    static Map<String, Object> json(TxnEntry entry, int requestBytes) {
        List<Op> ops = ops(entry.txn());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("zxid", Formats.hex(entry.zxid()));
        json.put("time", Formats.time(entry.timeMs()));
        json.put("timeMs", entry.timeMs());
        json.put("sessionId", Formats.hex(entry.sessionId()));
        json.put("cxid", entry.cxid());
        json.put("type", type(entry.txn()));
        json.put("paths", paths(ops));
        Integer dataBytes = dataBytes(ops);
        json.put("dataBytes", dataBytes == null ? 0 : dataBytes);
        json.put("requestBytes", requestBytes);
        if (entry.txn() instanceof Txn.Multi) {
            json.put("ops", ops.stream().map(TxnView::opJson).toList());
        } else {
            json.putAll(ops.get(0).fields());
        }
        return json;
    }

    /** ZooKeeper's name of the operation that produced {@code txn}. */
    static String type(Txn txn) {
        if (txn instanceof Txn.Create create) {
            return switch (create.type()) {
                case OpCode.CREATE2 -> "create2";
                case OpCode.CREATE_CONTAINER -> "createContainer";
                case OpCode.CREATE_TTL -> "createTTL";
                default -> "create";
            };
        } else if (txn instanceof Txn.Delete delete) {
            return delete.type() == OpCode.DELETE_CONTAINER ? "deleteContainer" : "delete";
        } else if (txn instanceof Txn.SetData) {
            return "setData";
        } else if (txn instanceof Txn.SetAcl) {
            return "setACL";
        } else if (txn instanceof Txn.Check) {
            return "check";
        } else if (txn instanceof Txn.Error) {
            return "error";
        } else if (txn instanceof Txn.Multi) {
            return "multi";
        } else if (txn instanceof Txn.CreateSession) {
            return "createSession";
        } else if (txn instanceof Txn.CloseSession) {
            return "closeSession";
        }
        throw new IllegalArgumentException("unknown txn " + txn);
    }

    private static List<Op> ops(Txn txn) {
        if (txn instanceof Txn.Multi multi) {
            return multi.txns().stream().map(TxnView::op).toList();
        }
        return List.of(op(txn));
    }

    private static Op op(Txn txn) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (txn instanceof Txn.Create create) {
            fields.put("kind", create.kind().name().toLowerCase(Locale.ROOT));
            if (create.kind() == NodeKind.EPHEMERAL) {
                fields.put("ephemeralOwner", Formats.hex(create.ephemeralOwner()));
            }
            if (create.kind() == NodeKind.TTL) {
                fields.put("ttlMs", create.ttlMs());
            }
            fields.put("acl", Formats.acl(create.acl()));
            return new Op(type(txn), create.path(), size(create.data()), fields);
        } else if (txn instanceof Txn.Delete delete) {
            return new Op(type(txn), delete.path(), null, fields);
        } else if (txn instanceof Txn.SetData setData) {
            fields.put("version", setData.version());
            return new Op(type(txn), setData.path(), size(setData.data()), fields);
        } else if (txn instanceof Txn.SetAcl setAcl) {
            fields.put("aversion", setAcl.aversion());
            fields.put("acl", Formats.acl(setAcl.acl()));
            return new Op(type(txn), setAcl.path(), null, fields);
        } else if (txn instanceof Txn.Check check) {
            fields.put("version", check.version());
            return new Op(type(txn), check.path(), null, fields);
        } else if (txn instanceof Txn.Error error) {
            fields.put("err", error.err());
            fields.put("error", Formats.errorName(error.err()));
            return new Op(type(txn), null, null, fields);
        } else if (txn instanceof Txn.CreateSession createSession) {
            fields.put("timeoutMs", createSession.timeoutMs());
            return new Op(type(txn), null, null, fields);
        } else if (txn instanceof Txn.CloseSession closeSession) {
            fields.put("ephemerals", closeSession.ephemerals());
            return new Op(type(txn), null, null, fields);
        }
        throw new IllegalArgumentException("a multi inside a multi, or an unknown txn: " + txn);
    }

    private static Map<String, Object> opJson(Op op) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", op.type());
        if (op.path() != null) {
            json.put("path", op.path());
        }
        if (op.dataBytes() != null) {
            json.put("dataBytes", op.dataBytes());
        }
        json.putAll(op.fields());
        return json;
    }

    /** Every path the txn touches, in order: its operations' paths, and a closed session's ephemerals. */
    private static List<String> paths(List<Op> ops) {
        List<String> paths = new ArrayList<>();
        for (Op op : ops) {
            if (op.path() != null) {
                paths.add(op.path());
            }
            if (op.fields().get("ephemerals") instanceof List<?> ephemerals) {
                ephemerals.forEach(path -> paths.add((String) path));
            }
        }
        return paths;
    }

    /** The data bytes the txn writes, or null if none of its operations carries data. */
    private static Integer dataBytes(List<Op> ops) {
        Integer total = null;
        for (Op op : ops) {
            if (op.dataBytes() != null) {
                total = (total == null ? 0 : total) + op.dataBytes();
            }
        }
        return total;
    }

    /** "path k=v k=v" for text; a list shows as comma-separated values. */
    private static String detail(Op op) {
        List<String> parts = new ArrayList<>();
        if (op.path() != null) {
            parts.add(op.path());
        }
        op.fields().forEach((key, value) -> {
            String shown = value instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : String.valueOf(value);
            parts.add(key + "=" + (shown.isEmpty() ? "none" : shown));
        });
        return String.join(" ", parts);
    }

    private static String join(String type, String detail) {
        return detail.isEmpty() ? type : type + " " + detail;
    }

    private static Integer size(byte[] data) {
        return data == null ? 0 : data.length;
    }
}
