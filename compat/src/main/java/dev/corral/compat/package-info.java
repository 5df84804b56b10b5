/** Placeholder. */
package dev.corral.compat;
