using System.Collections.Concurrent;

namespace ChatBackup.Core.Operations;

/// <summary>The default store: one process, lost on restart. Conditional writes are compare-and-swap.</summary>
public sealed class InMemoryOperationStore(TimeProvider clock) : IOperationStore
{
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _requestKeys = new(StringComparer.Ordinal);

    public Task<(Operation Operation, bool Created)> AddAsync(Operation operation, CancellationToken cancellationToken)
    {
        if (operation.RequestKey is { } key && !_requestKeys.TryAdd(key, operation.Id))
        {
            return Task.FromResult((_operations[_requestKeys[key]], false));
        }

        var stored = operation with { Version = 1, UpdatedAt = clock.GetUtcNow() };
        if (!_operations.TryAdd(stored.Id, stored))
        {
            throw new InvalidOperationException($"Operation {stored.Id} exists already.");
        }

        return Task.FromResult((stored, true));
    }

    public Task<Operation?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_operations.GetValueOrDefault(id));

    public Task<Operation?> TryUpdateAsync(Operation updated, CancellationToken cancellationToken)
    {
        if (!_operations.TryGetValue(updated.Id, out var current)
            || current.Version != updated.Version
            || !current.State.CanMoveTo(updated.State))
        {
            return Task.FromResult<Operation?>(null);
        }

        var next = updated with { Version = current.Version + 1, UpdatedAt = clock.GetUtcNow() };
        return Task.FromResult(_operations.TryUpdate(updated.Id, next, current) ? next : null);
    }

    public Task<IReadOnlyList<Operation>> ListRecentAsync(string platform, string channelId, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Operation> recent = _operations.Values
            .Where(o => o.Conversation.Platform == platform && o.Conversation.ChannelId == channelId)
            .OrderByDescending(o => o.CreatedAt)
            .ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return Task.FromResult(recent);
    }

    public Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Operation> found = _operations.Values
            .Where(o => o.State == state && (olderThan is null || o.UpdatedAt < olderThan))
            .OrderBy(o => o.UpdatedAt)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<Operation>> ListChatDueAsync(DateTimeOffset olderThan, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<Operation> found = _operations.Values
            .Where(o => o.UpdatedAt < olderThan && Chat.ChatWorks.IsDue(o))
            .OrderBy(o => o.UpdatedAt)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return Task.FromResult(found);
    }
}
