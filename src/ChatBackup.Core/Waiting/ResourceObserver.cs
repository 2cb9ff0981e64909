using System.Collections.Concurrent;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Options;

namespace ChatBackup.Core.Waiting;

/// <summary>
/// What EC2 last said about the resources operations wait on. The poller fills it with one
/// batched Describe per kind and region each tick; a step that runs right after reads from it
/// instead of asking EC2 again, even when a busy queue ran the step a few seconds after the tick.
/// Older entries are not trusted: the step then asks EC2 itself (for example on another replica,
/// whose poller did not run). A stale answer only delays a step, never decides wrongly for good:
/// the next tick sees the change and queues the step again.
/// </summary>
public sealed class ResourceObserver(IEc2Gateway ec2, BackupOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(ResourceKind, string Region, string Id), Observation> _seen = new();

    /// <summary>A resource as last described, or <c>Value</c> null when EC2 did not return it.</summary>
    public sealed record Observation(object? Value, DateTimeOffset At);

    public Task<IReadOnlyList<Ec2Image>> ImagesAsync(string region, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        ReadAsync(ResourceKind.Image, region, ids, i => i.Id, missing => ec2.DescribeImagesAsync(region, new ImageQuery(ImageIds: missing), cancellationToken));

    public Task<IReadOnlyList<Ec2Snapshot>> SnapshotsAsync(string region, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        ReadAsync(ResourceKind.Snapshot, region, ids, s => s.Id, missing => ec2.DescribeSnapshotsAsync(region, new SnapshotQuery(SnapshotIds: missing), cancellationToken));

    public Task<IReadOnlyList<Ec2Volume>> VolumesAsync(string region, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        ReadAsync(ResourceKind.Volume, region, ids, v => v.Id, missing => ec2.DescribeVolumesAsync(region, missing, cancellationToken));

    /// <summary>Records what one batched Describe returned; ids it did not return are recorded as absent.</summary>
    public void Record<T>(ResourceKind kind, string region, IReadOnlyList<string> asked, IReadOnlyList<T> found, Func<T, string> id)
        where T : class
    {
        var now = clock.GetUtcNow();
        var byId = found.ToDictionary(id, StringComparer.Ordinal);
        foreach (var resourceId in asked)
        {
            _seen[(kind, region, resourceId)] = new Observation(byId.GetValueOrDefault(resourceId), now);
        }
    }

    /// <summary>The last observation of a resource, however old, for the poller to compare against.</summary>
    public Observation? Last(ResourceKind kind, string region, string id) => _seen.GetValueOrDefault((kind, region, id));

    /// <summary>Drops what is no longer watched, so the cache does not grow with history.</summary>
    public void Forget(IEnumerable<(ResourceKind Kind, string Region, string Id)> keep)
    {
        var live = keep.ToHashSet();
        foreach (var key in _seen.Keys)
        {
            if (!live.Contains(key))
            {
                _seen.TryRemove(key, out _);
            }
        }
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        ResourceKind kind, string region, IReadOnlyList<string> ids, Func<T, string> id, Func<IReadOnlyList<string>, Task<IReadOnlyList<T>>> describe)
        where T : class
    {
        var freshAfter = clock.GetUtcNow() - (options.PollInterval * 4) - TimeSpan.FromSeconds(10);
        var result = new List<T>(ids.Count);
        var missing = new List<string>();
        foreach (var resourceId in ids)
        {
            if (_seen.TryGetValue((kind, region, resourceId), out var seen) && seen.At >= freshAfter)
            {
                if (seen.Value is T value)
                {
                    result.Add(value);
                }
            }
            else
            {
                missing.Add(resourceId);
            }
        }

        if (missing.Count > 0)
        {
            var described = await describe(missing);
            Record(kind, region, missing, described, id);
            result.AddRange(described);
        }

        return result;
    }
}
