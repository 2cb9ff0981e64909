namespace ChatBackup.Core.Operations;

/// <summary>
/// Where operations live. Every write is atomic and conditional, so that two replicas, a retried
/// job or a double click can never both win: implementations must not rely on process-local locks.
/// </summary>
public interface IOperationStore
{
    /// <summary>
    /// Adds the operation unless one with the same <see cref="Operation.RequestKey"/> exists, in which
    /// case that one is returned and <c>Created</c> is false.
    /// </summary>
    Task<(Operation Operation, bool Created)> AddAsync(Operation operation, CancellationToken cancellationToken);

    Task<Operation?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="updated"/> only when the stored version still equals
    /// <paramref name="updated"/>.Version and the state move is allowed; returns the saved record
    /// (version + 1) or null when another writer got there first.
    /// </summary>
    Task<Operation?> TryUpdateAsync(Operation updated, CancellationToken cancellationToken);

    /// <summary>The most recent operations of one conversation, newest first.</summary>
    Task<IReadOnlyList<Operation>> ListRecentAsync(string platform, string channelId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Operations in <paramref name="state"/>, least recently updated first, for sweeps (expired
    /// approvals, stalled work). With <paramref name="olderThan"/>, only those whose
    /// <see cref="Operation.UpdatedAt"/> is before it. Oldest first, so a sweep that moves or touches
    /// what it reads makes progress through a backlog larger than <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Operations whose chat is behind (<see cref="Chat.ChatWorks.IsDue"/>) and that nobody has
    /// touched since <paramref name="olderThan"/>, least recently updated first: what a chat sender
    /// that died, or a restart, left unsent.
    /// </summary>
    Task<IReadOnlyList<Operation>> ListChatDueAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken);
}

public static class OperationStoreExtensions
{
    /// <summary>
    /// Reads, changes and saves until the write wins. <paramref name="change"/> returns null to give
    /// up (for example when the operation already moved on); the result is then the current record
    /// and <c>Changed</c> is false.
    /// </summary>
    public static async Task<(Operation? Operation, bool Changed)> UpdateAsync(
        this IOperationStore store,
        string id,
        Func<Operation, Operation?> change,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await store.GetAsync(id, cancellationToken);
            if (current is null)
            {
                return (null, false);
            }

            var next = change(current);
            if (next is null)
            {
                return (current, false);
            }

            var saved = await store.TryUpdateAsync(next with { Version = current.Version }, cancellationToken);
            if (saved is not null)
            {
                return (saved, true);
            }
        }
    }
}
