/**
 * JMH benchmarks of Corral's hot paths, run by hand ({@code bench/run.sh jmh}), never by the test suite:
 * frame decode and encode, prepare + apply of writes, watch fan-out, and log append with group commit.
 */
package dev.corral.bench.jmh;
