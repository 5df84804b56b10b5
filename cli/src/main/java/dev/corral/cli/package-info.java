/** Placeholder. */
package dev.corral.cli;
