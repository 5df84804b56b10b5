package dev.corral.node;

import dev.corral.zab.Peer;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives the consensus core for a Node after each event: it drains the Peer's outputs until the Peer asks
 * for nothing more, carries out itself those that only the shell can (persist outputs, quorum messages),
 * and hands the others (deliveries, snapshot restores, role changes, forwarded client traffic, sync
 * answers) to the Node, in the Peer's order, so that an output is carried out before the next is looked at.
 *
 * <p>With a durable log, persist outputs go to the shell, which reports them back through
 * {@code Node#onPersisted}. An in-memory Node counts them durable at once, but only once the Peer has
 * nothing more to say, as a disk that syncs instantly would report them after the event.
 */
final class PeerPump {
    private final Peer peer;
    private final boolean durableLog;
    private final Effects effects;
    // Where the outputs that change the Node's state go.
    private final Consumer<dev.corral.zab.Output> node;
    // Sees every output after it was carried out (the simulator's checkers).
    private final Consumer<dev.corral.zab.Output> observer;
    // Told the persist outputs an in-memory Node counts durable, as the shell tells a durable one.
    private final java.util.function.LongConsumer persisted;
    // An in-memory Node counts its persist outputs durable at once: the last one asked for and the last
    // one reported. Invariant: persistedSeq <= askedSeq; both stay 0 with a durable log.
    private long askedSeq;
    private long persistedSeq;

    PeerPump(Peer peer, boolean durableLog, Effects effects, Consumer<dev.corral.zab.Output> node,
            Consumer<dev.corral.zab.Output> observer, java.util.function.LongConsumer persisted) {
        this.peer = peer;
        this.persisted = persisted;
        this.durableLog = durableLog;
        this.effects = effects;
        this.node = node;
        this.observer = observer;
    }

    /** Carries out what the Peer asked for, until it asks for nothing more. */
    void pump() {
        while (true) {
            List<dev.corral.zab.Output> produced = peer.drainOutputs();
            if (produced.isEmpty()) {
                if (askedSeq == persistedSeq) {
                    return;
                }
                persistedSeq = askedSeq;
                persisted.accept(persistedSeq);
                peer.onPersisted(persistedSeq);
                continue;
            }
            for (dev.corral.zab.Output output : produced) {
                carryOut(output);
                observer.accept(output);
            }
        }
    }

    private void carryOut(dev.corral.zab.Output output) {
        if (output instanceof dev.corral.zab.Output.Persist persist) {
            if (durableLog) {
                effects.add(new Output.Persist(persist));
            } else {
                askedSeq = persist.seq();
            }
            if (persist instanceof dev.corral.zab.Output.WriteSharedSecret) {
                node.accept(output); // the Node makes passwords with it from now on
            }
        } else if (output instanceof dev.corral.zab.Output.Send send) {
            effects.add(new Output.PeerSend(send.to(), send.message()));
        } else {
            node.accept(output);
        }
    }
}
