package dev.corral.wire;

import java.util.List;

/** Reply body of whoAmI (zookeeper.jute {@code WhoAmIResponse}). */
public record WhoAmIResponse(List<ClientInfo> clientInfo) {
    public void write(JuteOutput out) {
        out.writeVector(clientInfo, (o, info) -> info.write(o));
    }

    public static WhoAmIResponse read(JuteInput in) {
        return new WhoAmIResponse(in.readVector(ClientInfo::read));
    }
}
