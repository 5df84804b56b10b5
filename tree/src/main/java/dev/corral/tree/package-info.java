/** Placeholder. */
package dev.corral.tree;
