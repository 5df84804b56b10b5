/** Benchmarks: load generators and the side-by-side runner against Apache ZooKeeper. */
package dev.corral.bench;
