package dev.corral.wire;

/** Request body of getAllChildrenNumber (zookeeper.jute {@code GetAllChildrenNumberRequest}). */
public record GetAllChildrenNumberRequest(String path) {
    public void write(JuteOutput out) {
        out.writeString(path);
    }

    public static GetAllChildrenNumberRequest read(JuteInput in) {
        return new GetAllChildrenNumberRequest(in.readString());
    }
}
