package dev.corral.client;

/**
 * What one op of a successful {@link CorralClient#multi} returned, in the order of the ops: a
 * {@link Created} for a create (its path relative to the chroot, and its Stat), a new Stat for a setData,
 * nothing more for a delete or a check. A failed multi returns none: it throws the error of the op that
 * failed.
 */
public sealed interface OpResult permits Created, OpResult.SetData, OpResult.Delete, OpResult.Check {
    record SetData(Stat stat) implements OpResult {}

    record Delete() implements OpResult {}

    record Check() implements OpResult {}
}
