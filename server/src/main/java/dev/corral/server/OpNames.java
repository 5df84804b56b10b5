package dev.corral.server;

import dev.corral.wire.OpCode;

/** The short operation names ZooKeeper's stat commands show as a connection's last operation. */
final class OpNames {
    private OpNames() {}

    static String of(int opcode) {
        return switch (opcode) {
            case OpCode.PING -> "PING";
            case OpCode.CREATE_SESSION -> "SESS";
            case OpCode.CLOSE_SESSION -> "CLOS";
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> "CREA";
            case OpCode.DELETE -> "DELE";
            case OpCode.SET_DATA -> "SETD";
            case OpCode.SET_ACL -> "SETA";
            case OpCode.GET_ACL -> "GETA";
            case OpCode.EXISTS -> "EXIS";
            case OpCode.GET_DATA -> "GETD";
            case OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 -> "GETC";
            case OpCode.SYNC -> "SYNC";
            case OpCode.MULTI -> "MULT";
            case OpCode.MULTI_READ -> "MLTR";
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> "SETW";
            case OpCode.ADD_WATCH -> "ADDW";
            case OpCode.CHECK_WATCHES -> "CHKW";
            case OpCode.REMOVE_WATCHES -> "REMW";
            case OpCode.GET_EPHEMERALS -> "GETE";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "GETN";
            case OpCode.WHO_AM_I -> "HOMI";
            case OpCode.RECONFIG -> "RECO";
            default -> "NA";
        };
    }
}
