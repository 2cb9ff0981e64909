using System.Collections.Concurrent;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Waiting;

/// <summary>
/// Checks every resource that running operations wait on with one Describe call per kind and
/// region per tick (images, then snapshots — including the watched images' snapshots, for
/// progress), whatever the number of operations. Only an operation whose resource changed, whose
/// card is due a progress update, or that has not moved for a while gets a step, handed to
/// <see cref="IDueSteps"/> (run in this process, see <see cref="Running.LocalStepRunner"/>): the
/// rest cost nothing between ticks. Operations nobody is working on go back to the job queue.
/// Throttling slows the ticks down; it never fails an operation.
/// </summary>
public sealed partial class ResourcePoller(
    IOperationStore store,
    IOperationQueue queue,
    IDueSteps steps,
    IEc2Gateway ec2,
    ResourceObserver observer,
    BackupOptions options,
    TimeProvider clock,
    ILogger<ResourcePoller> logger)
{
    /// <summary>Enough for the largest fleet-wide fan-out we plan for; more waits for the next tick.</summary>
    private const int MaxOperationsPerTick = 50_000;

    private readonly ConcurrentDictionary<string, (int Step, DateTimeOffset At, bool Changed)> _enqueued = new(StringComparer.Ordinal);

    // Operations whose resource changed state while a step of theirs was already on its way, with
    // that step: it may have read the resource before the change (it ran between this tick's listing
    // and its Describe) and saved the next step still waiting. Once the operation is past that step,
    // one more step runs whatever the next tick sees, or the change would go unnoticed until stale.
    private readonly ConcurrentDictionary<string, int> _owed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextCheck = new(StringComparer.Ordinal);
    private TimeSpan _backoff = TimeSpan.Zero;

    /// <summary>How long until the next tick: the poll interval, or longer while EC2 throttles.</summary>
    public TimeSpan NextDelay => options.PollInterval + _backoff;

    /// <summary>One tick. Returns how many Describe calls it made and how many steps it queued.</summary>
    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var running = await store.ListByStateAsync(OperationState.Running, null, MaxOperationsPerTick, cancellationToken);
        var (recovered, stuck) = await RecoverAsync(running, now, cancellationToken);
        var watching = running.Where(o => o.Watching is not null && _nextCheck.GetValueOrDefault(o.Id) <= now).ToList();
        Forget(running.Select(o => o.Id).Concat(stuck));
        if (watching.Count == 0)
        {
            return new TickResult(0, 0, recovered);
        }

        var previous = watching.ToDictionary(o => o.Id, o => Signature(o.Watching!), StringComparer.Ordinal);
        int calls;
        try
        {
            calls = await DescribeAllAsync(watching, cancellationToken);
            _backoff = TimeSpan.Zero;
        }
        catch (Ec2Exception ex) when (ex.IsRetryable)
        {
            _backoff = TimeSpan.FromTicks(Math.Min(Math.Max(_backoff.Ticks * 2, options.PollInterval.Ticks), options.MaxPollInterval.Ticks));
            LogThrottled(logger, ex.Code, NextDelay);
            return new TickResult(watching.Count, 1, recovered);
        }

        var queued = recovered;
        foreach (var operation in watching)
        {
            _nextCheck[operation.Id] = now + CheckInterval(operation, now);
            var (before, after) = (previous[operation.Id], Signature(operation.Watching!));
            var changed = before?.State != after?.State;
            var owes = _owed.TryGetValue(operation.Id, out var owedStep) && operation.Step > owedStep;
            if (changed && IsOnItsWay(operation, now))
            {
                _owed[operation.Id] = operation.Step;
            }

            if (!changed && !owes && !IsDue(operation, before, after, now))
            {
                continue;
            }

            if (MarkEnqueued(operation, now, changed || owes))
            {
                if (owes)
                {
                    _owed.TryRemove(new KeyValuePair<string, int>(operation.Id, owedStep));
                }

                steps.Enqueue(operation.Id, operation.Step, changed || owes);
                queued++;
            }
        }

        return new TickResult(watching.Count, calls, queued);
    }

    /// <summary>
    /// Operations nobody is working on: accepted or approved but never picked up (the process died
    /// between recording and enqueueing, or in-memory jobs were lost), a request never checked,
    /// an approval whose expiry step was lost, a running step whose delayed retry was lost. Each
    /// gets its current step queued again; if the lost job turns up after all, the step claim
    /// makes one of the two a no-op.
    /// </summary>
    private async Task<(int Recovered, IReadOnlyList<string> Stuck)> RecoverAsync(IReadOnlyList<Operation> running, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var olderThan = now - StaleAfter;
        var queued = await store.ListByStateAsync(OperationState.Queued, olderThan, MaxOperationsPerTick, cancellationToken);
        var awaiting = await store.ListByStateAsync(OperationState.AwaitingApproval, olderThan, MaxOperationsPerTick, cancellationToken);
        var stuck = queued
            .Concat(awaiting.Where(o => o.ExpiresAt is not { } expires || expires <= olderThan))
            .Concat(running.Where(o => o.Watching is null && o.UpdatedAt < olderThan))
            .ToList();
        var recovered = 0;
        foreach (var operation in stuck)
        {
            if (MarkEnqueued(operation, now))
            {
                LogRecovered(logger, operation.Id, operation.State, operation.Step);
                await queue.EnqueueAsync(operation.Id, operation.Step, cancellationToken);
                recovered++;
            }
        }

        return (recovered, stuck.Select(o => o.Id).ToList());
    }

    private async Task<int> DescribeAllAsync(List<Operation> watching, CancellationToken cancellationToken)
    {
        var calls = 0;
        var keep = new List<(ResourceKind, string, string)>();
        foreach (var region in watching.Select(o => o.Watching!.Region).Distinct(StringComparer.Ordinal))
        {
            var inRegion = watching.Where(o => o.Watching!.Region == region).Select(o => o.Watching!).ToList();
            var snapshotIds = Ids(inRegion, ResourceKind.Snapshot).ToHashSet(StringComparer.Ordinal);

            var imageIds = Ids(inRegion, ResourceKind.Image);
            if (imageIds.Count > 0)
            {
                var images = await ec2.DescribeImagesAsync(region, new ImageQuery(ImageIds: imageIds), cancellationToken);
                calls++;
                observer.Record(ResourceKind.Image, region, imageIds, images, i => i.Id);
                snapshotIds.UnionWith(images.SelectMany(i => i.SnapshotIds));
            }

            if (snapshotIds.Count > 0)
            {
                var asked = snapshotIds.ToList();
                var snapshots = await ec2.DescribeSnapshotsAsync(region, new SnapshotQuery(SnapshotIds: asked), cancellationToken);
                calls++;
                observer.Record(ResourceKind.Snapshot, region, asked, snapshots, s => s.Id);
                keep.AddRange(asked.Select(id => (ResourceKind.Snapshot, region, id)));
            }

            var volumeIds = Ids(inRegion, ResourceKind.Volume);
            if (volumeIds.Count > 0)
            {
                var volumes = await ec2.DescribeVolumesAsync(region, volumeIds, cancellationToken);
                calls++;
                observer.Record(ResourceKind.Volume, region, volumeIds, volumes, v => v.Id);
            }

            keep.AddRange(inRegion.Select(w => (w.Kind, w.Region, w.Id)));
        }

        observer.Forget(keep);
        return calls;
    }

    /// <summary>
    /// A step is due when what the operation waits on changed state, when its progress moved and
    /// its card is due an update, or when it has not moved for a while (elapsed time on the card,
    /// the wait ceiling).
    /// </summary>
    private bool IsDue(Operation operation, Look? before, Look? now, DateTimeOffset at)
    {
        if (at - operation.UpdatedAt >= StaleAfter || now is null || before is null || before.State != now.State)
        {
            return true;
        }

        return now.Progress != before.Progress
            && (operation.CardUpdatedAt is not { } shown || at - shown >= options.CardUpdateInterval);
    }

    /// <summary>
    /// Quick soon after the work started, slower for work that has been going for long (copies
    /// take hours): a tenth of the age, within PollInterval and MaxPollInterval.
    /// </summary>
    private TimeSpan CheckInterval(Operation operation, DateTimeOffset now)
    {
        var age = now - (operation.StartedAt ?? operation.CreatedAt);
        return TimeSpan.FromTicks(Math.Clamp(age.Ticks / 10, options.PollInterval.Ticks, Math.Max(options.PollInterval.Ticks, options.MaxPollInterval.Ticks)));
    }

    private TimeSpan StaleAfter => TimeSpan.FromTicks(Math.Max(options.PollInterval.Ticks * 4, options.MaxPollInterval.Ticks));

    /// <summary>What is compared between ticks: the resource's state and, for an AMI, its snapshots' mean progress.</summary>
    private sealed record Look(string? State, int? Progress);

    private Look? Signature(ResourceRef watch)
    {
        var seen = observer.Last(watch.Kind, watch.Region, watch.Id);
        return seen?.Value switch
        {
            null when seen is null => null,
            Ec2Image image => new Look(image.State.ToString(), SnapshotProgress(watch.Region, image.SnapshotIds)),
            Ec2Snapshot snapshot => new Look(snapshot.State.ToString(), snapshot.ProgressPercent),
            Ec2Volume volume => new Look(volume.State + "/" + string.Join(",", volume.Attachments.Select(a => a.State)), null),
            _ => new Look(null, null),
        };
    }

    private int? SnapshotProgress(string region, IReadOnlyList<string> snapshotIds)
    {
        var progress = snapshotIds
            .Select(id => observer.Last(ResourceKind.Snapshot, region, id)?.Value as Ec2Snapshot)
            .Where(s => s is not null)
            .Select(s => s!.ProgressPercent ?? 0)
            .ToList();
        return progress.Count == 0 ? null : (int)progress.Average();
    }

    private void Forget(IEnumerable<string> live)
    {
        var keep = live.ToHashSet(StringComparer.Ordinal);
        foreach (var id in _enqueued.Keys.Where(id => !keep.Contains(id)))
        {
            _enqueued.TryRemove(id, out _);
        }

        foreach (var id in _nextCheck.Keys.Where(id => !keep.Contains(id)))
        {
            _nextCheck.TryRemove(id, out _);
        }

        foreach (var id in _owed.Keys.Where(id => !keep.Contains(id)))
        {
            _owed.TryRemove(id, out _);
        }
    }

    /// <summary>This step of the operation was queued recently: it may not have run yet, or be running.</summary>
    private bool IsOnItsWay(Operation operation, DateTimeOffset now) =>
        _enqueued.TryGetValue(operation.Id, out var last) && last.Step == operation.Step && now - last.At < StaleAfter;

    /// <summary>
    /// False when this step was queued recently and has not run yet: no second run of it. A state
    /// change still goes ahead of a progress-only run queued earlier (the duplicate is a no-op by
    /// the step claim), so a finished resource never waits behind a progress backlog.
    /// </summary>
    private bool MarkEnqueued(Operation operation, DateTimeOffset now, bool changed = true)
    {
        if (_enqueued.TryGetValue(operation.Id, out var last) && last.Step == operation.Step && now - last.At < StaleAfter && (last.Changed || !changed))
        {
            return false;
        }

        _enqueued[operation.Id] = (operation.Step, now, changed);
        return true;
    }

    private static List<string> Ids(IEnumerable<ResourceRef> refs, ResourceKind kind) =>
        refs.Where(r => r.Kind == kind).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {OperationId} ({State}) had no work under way; queued step {Step} again")]
    private static partial void LogRecovered(ILogger logger, string operationId, OperationState state, int step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EC2 throttled the poller ({Code}); next look in {Delay}")]
    private static partial void LogThrottled(ILogger logger, string code, TimeSpan delay);
}

/// <summary>What one tick did: operations watched, Describe calls made, steps queued.</summary>
public sealed record TickResult(int Watched, int DescribeCalls, int StepsQueued);
