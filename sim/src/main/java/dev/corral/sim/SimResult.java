package dev.corral.sim;

/**
 * What a passing seed did: how many writes were acknowledged and how many ticks the healed ensemble took
 * to converge.
 */
public record SimResult(long seed, int acknowledgedWrites, long ticksToConverge) {}
