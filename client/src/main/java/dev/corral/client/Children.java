package dev.corral.client;

import java.util.List;

/** What getChildren returns: the children's names, unsorted as the server sends them, and the znode's Stat. */
public record Children(List<String> children, Stat stat) {}
