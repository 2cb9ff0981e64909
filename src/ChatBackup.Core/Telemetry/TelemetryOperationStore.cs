using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Telemetry;

/// <summary>
/// Counts <see cref="ChatBackupTelemetry.OperationsName"/> at the one place every state change
/// passes through — a successful store write — so the runner, the handlers and the approval
/// service need no metric code.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="IOperationStore.TryUpdateAsync"/> is given the new record only, so the decorator must
/// know the state it replaces. Reading it after the write is impossible and reading it before every
/// write doubles the reads; instead it remembers the (version, state) of each unfinished operation
/// it last read or wrote. Versions go up by one on every write, so a remembered version equal to
/// the one the write is conditioned on names exactly the record being replaced: the usual
/// read-change-write (<see cref="OperationStoreExtensions.UpdateAsync"/>) therefore costs nothing
/// extra. Only on a miss (a record read by another replica, or finished) does it read once before
/// writing; if that read is not the version the write expects, the write is bound to lose anyway.
/// </para>
/// <para>
/// Finished operations are forgotten, so the memory holds at most the operations in flight (plus,
/// with several replicas, those another replica finished). Each replica counts the transitions it
/// wrote, so a sum over replicas counts each transition once.
/// </para>
/// </remarks>
public sealed class TelemetryOperationStore(IOperationStore inner) : IOperationStore
{
    private readonly ConcurrentDictionary<string, (long Version, OperationState State)> _seen = new(StringComparer.Ordinal);

    /// <summary>The decorated store.</summary>
    public IOperationStore Inner => inner;

    public async Task<(Operation Operation, bool Created)> AddAsync(Operation operation, CancellationToken cancellationToken)
    {
        var (stored, created) = await inner.AddAsync(operation, cancellationToken);
        if (created)
        {
            ChatBackupTelemetry.OperationEntered(stored.Kind, stored.State);
        }

        return (Remember(stored), created);
    }

    public async Task<Operation?> GetAsync(string id, CancellationToken cancellationToken) =>
        Remember(await inner.GetAsync(id, cancellationToken));

    public async Task<Operation?> TryUpdateAsync(Operation updated, CancellationToken cancellationToken)
    {
        OperationState? previous = _seen.TryGetValue(updated.Id, out var seen) && seen.Version == updated.Version
            ? seen.State
            : null;

        // Awaiting approval can only be entered from itself, so no read is needed to know it is no change.
        if (previous is null && updated.State != OperationState.AwaitingApproval
            && await inner.GetAsync(updated.Id, cancellationToken) is { } current && current.Version == updated.Version)
        {
            previous = current.State;
        }

        var saved = await inner.TryUpdateAsync(updated, cancellationToken);
        if (saved is null)
        {
            return null;
        }

        if (previous is { } from && from != saved.State)
        {
            ChatBackupTelemetry.OperationEntered(saved.Kind, saved.State);
        }

        return Remember(saved);
    }

    public Task<IReadOnlyList<Operation>> ListRecentAsync(string platform, string channelId, int limit, CancellationToken cancellationToken) =>
        inner.ListRecentAsync(platform, channelId, limit, cancellationToken);

    public Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken) =>
        inner.ListByStateAsync(state, olderThan, limit, cancellationToken);

    public Task<IReadOnlyList<Operation>> ListChatDueAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken) =>
        inner.ListChatDueAsync(olderThan, limit, cancellationToken);

    [return: NotNullIfNotNull(nameof(operation))]
    private Operation? Remember(Operation? operation)
    {
        if (operation is null)
        {
            return null;
        }

        if (operation.State.IsFinal())
        {
            _seen.TryRemove(operation.Id, out _);
        }
        else
        {
            // A concurrent reader may store an older version after a newer one; that only costs a read later.
            _seen[operation.Id] = (operation.Version, operation.State);
        }

        return operation;
    }
}
