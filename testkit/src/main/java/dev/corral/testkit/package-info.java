/**
 * Test support shared by compat, cli and bench: server processes of either target, ensembles, TCP proxies,
 * free ports and readiness probes. Nothing here decides what a server should do; it only starts, stops,
 * disturbs and observes real processes, with a bound on every wait.
 */
package dev.corral.testkit;
