package dev.corral.node;

import dev.corral.tree.Txn;
import dev.corral.tree.TxnResult;
import dev.corral.wire.Create2Response;
import dev.corral.wire.CreateResponse;
import dev.corral.wire.ErrorCode;
import dev.corral.wire.JuteOutput;
import dev.corral.wire.MultiRequest;
import dev.corral.wire.MultiResponse;
import dev.corral.wire.OpCode;
import dev.corral.wire.OpResult;
import dev.corral.wire.SetACLResponse;
import dev.corral.wire.SetDataResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reply body of an applied write, shaped by the request's opcode as ZooKeeper 3.9's
 * {@code FinalRequestProcessor} shapes it. A failed multi is not an error at the header: its header
 * carries 0 and every op's result is an error entry.
 */
final class WriteReplies {
    private WriteReplies() {}

    /** The header error code for a write whose txn produced {@code result}; 0 for any multi. */
    static int headerErr(Txn txn, TxnResult result) {
        return txn instanceof Txn.Multi ? ErrorCode.OK : result.err();
    }

    /** The body to write after the header, or null for none. */
    static Consumer<JuteOutput> body(int type, Object request, Txn txn, TxnResult result) {
        if (txn instanceof Txn.Multi multi) {
            return multi((MultiRequest) request, multi, result)::write;
        }
        if (result.err() != ErrorCode.OK) {
            return null;
        }
        return switch (type) {
            case OpCode.CREATE -> new CreateResponse(result.path())::write;
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new Create2Response(result.path(), result.stat())::write;
            case OpCode.SET_DATA -> new SetDataResponse(result.stat())::write;
            case OpCode.SET_ACL -> new SetACLResponse(result.stat())::write;
            default -> null;
        };
    }

    private static MultiResponse multi(MultiRequest request, Txn.Multi txn, TxnResult result) {
        List<OpResult> results = new ArrayList<>();
        boolean failed = txn.failed();
        for (int i = 0; i < result.results().size(); i++) {
            TxnResult sub = result.results().get(i);
            if (failed) {
                results.add(new OpResult.ErrorResult(sub.err()));
                continue;
            }
            results.add(switch (request.ops().get(i).type()) {
                case OpCode.CREATE -> new OpResult.CreateResult(sub.path());
                case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> new OpResult.Create2Result(sub.path(), sub.stat());
                case OpCode.DELETE -> new OpResult.DeleteResult();
                case OpCode.SET_DATA -> new OpResult.SetDataResult(sub.stat());
                default -> new OpResult.CheckResult();
            });
        }
        return new MultiResponse(results);
    }
}
