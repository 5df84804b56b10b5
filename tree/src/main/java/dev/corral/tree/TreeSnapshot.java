package dev.corral.tree;

import java.util.Map;

/**
 * The state of one server at {@code zxid}: every znode (by path) and every session with its timeout,
 * plus the tree digest they hash to. The znodes are immutable, so an image taken on the node loop can be
 * written out on another thread.
 */
public record TreeSnapshot(long zxid, String[] paths, Znode[] nodes, Map<Long, Integer> sessions, long digest) {}
