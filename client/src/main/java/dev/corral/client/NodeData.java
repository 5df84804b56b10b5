package dev.corral.client;

/** What getData returns: the znode's data (null if it was created with none) and its Stat. */
public record NodeData(byte[] data, Stat stat) {}
