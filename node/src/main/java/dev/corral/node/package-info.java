/** Placeholder. */
package dev.corral.node;
