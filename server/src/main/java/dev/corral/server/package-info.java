/** Placeholder. */
package dev.corral.server;
