package dev.corral.node;

import dev.corral.wire.AddWatchRequest;
import dev.corral.wire.CheckWatchesRequest;
import dev.corral.wire.CreateRequest;
import dev.corral.wire.CreateTTLRequest;
import dev.corral.wire.DeleteRequest;
import dev.corral.wire.ExistsRequest;
import dev.corral.wire.GetACLRequest;
import dev.corral.wire.GetAllChildrenNumberRequest;
import dev.corral.wire.GetChildren2Request;
import dev.corral.wire.GetChildrenRequest;
import dev.corral.wire.GetDataRequest;
import dev.corral.wire.GetEphemeralsRequest;
import dev.corral.wire.JuteInput;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.OpCode;
import dev.corral.wire.ReconfigRequest;
import dev.corral.wire.RemoveWatchesRequest;
import dev.corral.wire.SetACLRequest;
import dev.corral.wire.SetDataRequest;
import dev.corral.wire.SetWatches;
import dev.corral.wire.SetWatches2;
import dev.corral.wire.SyncRequest;

/** Which opcodes Corral serves, whether each is a write, and the record its body decodes to. */
final class Requests {
    /** Marks a request with no body (ping, closeSession, whoAmI). */
    static final Object NO_BODY = new Object();
    /** Marks a request whose body did not decode (truncated, bad lengths, unknown or mixed multi ops). */
    static final Object UNDECODABLE = new Object();

    private Requests() {}

    static boolean isKnown(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                    OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI, OpCode.CLOSE_SESSION, OpCode.EXISTS,
                    OpCode.GET_DATA, OpCode.GET_ACL, OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2, OpCode.SYNC, OpCode.PING,
                    OpCode.GET_EPHEMERALS, OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.SET_WATCHES, OpCode.SET_WATCHES2,
                    OpCode.ADD_WATCH, OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES, OpCode.WHO_AM_I, OpCode.MULTI_READ,
                    OpCode.RECONFIG -> true;
            default -> false;
        };
    }

    /** Writes become txns (a failed one an error txn that still takes a zxid); the rest are answered here. */
    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                    OpCode.SET_DATA, OpCode.SET_ACL, OpCode.CLOSE_SESSION, OpCode.MULTI, OpCode.RECONFIG -> true;
            default -> false;
        };
    }

    /**
     * Decodes the body of a known request type. A body that does not decode yields {@link #UNDECODABLE}:
     * as in ZooKeeper, which reads a body only when it processes the request, the request is answered
     * MARSHALLINGERROR in its turn and the connection stays open.
     */
    static Object decode(int type, JuteInput in) {
        try {
            return decodeOrThrow(type, in);
        } catch (dev.corral.wire.MalformedRecordException e) {
            return UNDECODABLE;
        }
    }

    private static Object decodeOrThrow(int type, JuteInput in) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(in);
            case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
            case OpCode.MULTI, OpCode.MULTI_READ -> MultiRequest.read(in);
            case OpCode.DELETE -> DeleteRequest.read(in);
            case OpCode.SET_DATA -> SetDataRequest.read(in);
            case OpCode.SET_ACL -> SetACLRequest.read(in);
            case OpCode.EXISTS -> ExistsRequest.read(in);
            case OpCode.GET_DATA -> GetDataRequest.read(in);
            case OpCode.GET_ACL -> GetACLRequest.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
            case OpCode.GET_CHILDREN2 -> GetChildren2Request.read(in);
            case OpCode.SYNC -> SyncRequest.read(in);
            case OpCode.GET_EPHEMERALS -> GetEphemeralsRequest.read(in);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberRequest.read(in);
            case OpCode.SET_WATCHES -> SetWatches.read(in);
            case OpCode.SET_WATCHES2 -> SetWatches2.read(in);
            case OpCode.ADD_WATCH -> AddWatchRequest.read(in);
            case OpCode.CHECK_WATCHES -> CheckWatchesRequest.read(in);
            case OpCode.REMOVE_WATCHES -> RemoveWatchesRequest.read(in);
            case OpCode.RECONFIG -> ReconfigRequest.read(in);
            default -> NO_BODY;
        };
    }
}
