package dev.corral.client;

/**
 * What create returns, and a create op of a multi: the path of the created znode (with its counter if
 * sequential) and its Stat.
 */
public record Created(String path, Stat stat) implements OpResult {}
