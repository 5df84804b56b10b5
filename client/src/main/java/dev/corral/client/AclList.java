package dev.corral.client;

import dev.corral.wire.Acl;
import java.util.List;

/** What getAcl returns: the znode's ACL and its Stat. */
public record AclList(List<Acl> acl, Stat stat) {}
