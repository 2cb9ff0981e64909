using ChatBackup.Core.Operations;

namespace ChatBackup.Testing.Operations;

/// <summary>An operation store that passes every call to another; tests override the calls they watch or bend.</summary>
public class ForwardingOperationStore(IOperationStore inner) : IOperationStore
{
    public virtual Task<(Operation Operation, bool Created)> AddAsync(Operation operation, CancellationToken cancellationToken) =>
        inner.AddAsync(operation, cancellationToken);

    public virtual Task<Operation?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public virtual Task<Operation?> TryUpdateAsync(Operation updated, CancellationToken cancellationToken) => inner.TryUpdateAsync(updated, cancellationToken);

    public virtual Task<IReadOnlyList<Operation>> ListRecentAsync(string platform, string channelId, int limit, CancellationToken cancellationToken) =>
        inner.ListRecentAsync(platform, channelId, limit, cancellationToken);

    public virtual Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken) =>
        inner.ListByStateAsync(state, olderThan, limit, cancellationToken);

    public virtual Task<IReadOnlyList<Operation>> ListChatDueAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken) =>
        inner.ListChatDueAsync(olderThan, limit, cancellationToken);
}
