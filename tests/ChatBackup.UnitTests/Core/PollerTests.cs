using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;
using ChatBackup.Testing.Operations;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBackup.UnitTests.Core;

/// <summary>Batched waiting: one Describe per kind and region per tick, whatever the number of operations.</summary>
public sealed class PollerTests
{
    private readonly CoreHarness _h = new();

    /// <summary>Starts AMIs the way the channel would, and runs their first steps.</summary>
    private async Task<List<string>> StartAmisAsync(string region, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var instance = _h.Ec2.AddInstance(region, $"fleet-{region}-{i}");
            await _h.SendAsync($"ami {instance} --no-reboot --region {region}");
            var id = _h.Queue.Enqueued[^1];
            ids.Add(id);
            await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        }

        return ids;
    }

    /// <summary>Poll ticks, each followed by the steps it queued, until every operation is final.</summary>
    private async Task<List<(TickResult Tick, int Finished)>> DriveAsync(IReadOnlyCollection<string> ids, int maxTicks = 200)
    {
        var ticks = new List<(TickResult, int)>();
        for (var t = 0; t < maxTicks; t++)
        {
            var ops = await Task.WhenAll(ids.Select(_h.GetAsync));
            if (ops.All(o => o!.State.IsFinal()))
            {
                return ticks;
            }

            _h.Clock.Advance(_h.Poller.NextDelay);
            var queued = _h.Queue.Steps.Count;
            var tick = await _h.Poller.TickAsync(CancellationToken.None);
            foreach (var (id, step) in _h.Queue.Steps.Skip(queued).ToList())
            {
                var result = await _h.Runner.RunStepAsync(id, step, CancellationToken.None);
                Assert.IsNotType<RunResult.RunAgain>(result);
            }

            var finished = (await Task.WhenAll(ids.Select(_h.GetAsync))).Count(o => o!.State.IsFinal());
            ticks.Add((tick, finished));
        }

        throw new InvalidOperationException("The operations did not finish.");
    }

    [Fact]
    public async Task FanOut_IsCheckedWithOneDescribePerKindAndRegionPerTick()
    {
        _h.Ec2.PendingPolls = 5;
        var east = await StartAmisAsync("us-east-1", 120);
        var west = await StartAmisAsync("eu-west-1", 30);
        var before = _h.Ec2.CallCount("DescribeImages") + _h.Ec2.CallCount("DescribeSnapshots");

        var ticks = await DriveAsync([.. east, .. west]);

        // Two regions, each at most one DescribeImages and one DescribeSnapshots (the AMIs' snapshots).
        Assert.All(ticks, t => Assert.InRange(t.Tick.DescribeCalls, 0, 4));
        var describes = _h.Ec2.CallCount("DescribeImages") + _h.Ec2.CallCount("DescribeSnapshots") - before;
        Assert.True(describes <= ticks.Count * 4, $"{describes} describes in {ticks.Count} ticks");
        var ops = await Task.WhenAll(east.Concat(west).Select(_h.GetAsync));
        Assert.All(ops, o => Assert.Equal(OperationState.Succeeded, o!.State));
        Assert.Equal(150, _h.Chat.OfKind("notify").Count);
        Assert.Equal(150, _h.Ec2.CallCount("CreateImage"));
    }

    [Fact]
    public async Task AvailableImage_IsNotifiedInTheTickThatSawIt()
    {
        _h.Ec2.PendingPolls = 3;
        var ids = await StartAmisAsync("us-east-1", 10);

        var ticks = await DriveAsync(ids);

        // The tick whose Describe showed "available" queued the final step; nothing waited for another tick.
        Assert.Equal(10, ticks[^1].Finished);
        Assert.Equal(0, ticks[^2].Finished);
    }

    [Fact]
    public async Task AFinishedImage_GoesAheadOfTheProgressStepAlreadyWaitingForIt()
    {
        _h.Ec2.PendingPolls = 3;
        var id = (await StartAmisAsync("us-east-1", 1))[0];

        // First look (queued as a change) and run; then a progress-only step that is left waiting.
        await TickAsync(_h.Poller);
        await _h.Runner.RunStepAsync(id, _h.Queue.Due[^1].Step, CancellationToken.None);
        await TickAsync(_h.Poller);
        var progress = _h.Queue.Due[^1];
        Assert.False(progress.StateChanged);

        await TickAsync(_h.Poller);

        // The same step again, now as a change: it goes before every progress step still waiting.
        Assert.Equal((id, progress.Step, true), _h.Queue.Due[^1]);
    }

    [Fact]
    public async Task AStepThatLookedJustBeforeTheImageWasAvailable_IsFollowedByOneThatSeesIt()
    {
        _h.Ec2.PendingPolls = 2;
        var id = (await StartAmisAsync("us-east-1", 1))[0];
        var store = new ListingHook(_h.Store);
        var poller = new ResourcePoller(store, _h.Queue, _h.Queue, _h.Ec2, _h.Observer, _h.Options, _h.Clock, NullLogger<ResourcePoller>.Instance);

        await TickAsync(poller);
        var first = _h.Queue.Due[^1];

        // The queued step runs after the next tick has listed the operation and before its Describe
        // sees the image available: it reads "pending" and saves the next step, still waiting.
        store.AfterListing = () => _h.Runner.RunStepAsync(id, first.Step, CancellationToken.None);
        await TickAsync(poller);
        Assert.Equal(OperationState.Running, (await _h.GetAsync(id))!.State);

        var due = _h.Queue.Due.Count;
        await TickAsync(poller);
        var next = Assert.Single(_h.Queue.Due.Skip(due));
        await _h.Runner.RunStepAsync(id, next.Step, CancellationToken.None);

        Assert.Equal(OperationState.Succeeded, (await _h.GetAsync(id))!.State);
    }

    private async Task TickAsync(ResourcePoller poller)
    {
        _h.Clock.Advance(poller.NextDelay);
        await poller.TickAsync(CancellationToken.None);
    }

    /// <summary>The harness's store, running a callback once right after the poller lists running operations.</summary>
    private sealed class ListingHook(IOperationStore inner) : ForwardingOperationStore(inner)
    {
        public Func<Task>? AfterListing { get; set; }

        public override async Task<IReadOnlyList<Operation>> ListByStateAsync(OperationState state, DateTimeOffset? olderThan, int limit, CancellationToken cancellationToken)
        {
            var listed = await base.ListByStateAsync(state, olderThan, limit, cancellationToken);
            if (state == OperationState.Running && AfterListing is { } hook)
            {
                AfterListing = null;
                await hook();
            }

            return listed;
        }
    }

    [Fact]
    public async Task QuietOperations_CostNoSteps_BetweenChanges()
    {
        _h.Ec2.PendingPolls = 40;
        _h.Options.CardUpdateInterval = TimeSpan.FromHours(1);
        var ids = await StartAmisAsync("us-east-1", 20);
        var steps = _h.Queue.Steps.Count;

        // The first tick sees every image for the first time; the next ones see nothing new.
        for (var i = 0; i < 5; i++)
        {
            _h.Clock.Advance(_h.Poller.NextDelay);
            await _h.Poller.TickAsync(CancellationToken.None);
        }

        var queued = _h.Queue.Steps.Skip(steps).ToList();
        Assert.Equal(20, queued.Count);
        Assert.Equal(20, queued.Select(q => q.Id).Distinct().Count());
    }

    [Fact]
    public async Task LongRunningWork_IsLookedAtLessOften()
    {
        _h.Ec2.PendingPolls = 1000;
        await StartAmisAsync("us-east-1", 1);
        _h.Clock.Advance(TimeSpan.FromMinutes(20));

        var watched = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            _h.Clock.Advance(_h.Poller.NextDelay);
            watched.Add((await _h.Poller.TickAsync(CancellationToken.None)).Watched);
        }

        // Twenty minutes in, it is looked at every two minutes (MaxPollInterval), not every 15 s tick.
        Assert.Equal(1, watched[0]);
        Assert.InRange(watched.Sum(), 1, 2);
    }

    [Fact]
    public async Task NoWaitingOperations_NoEc2Calls()
    {
        var calls = _h.Ec2.Calls.Values.Sum();

        var tick = await _h.Poller.TickAsync(CancellationToken.None);

        Assert.Equal(new TickResult(0, 0, 0), tick);
        Assert.Equal(calls, _h.Ec2.Calls.Values.Sum());
    }

    [Fact]
    public async Task FailedImage_IsReportedThroughTheTick()
    {
        _h.Ec2.PendingPolls = 2;
        _h.Ec2.FinalImageState = ImageState.Failed;
        _h.Ec2.FinalStateReason = new Ec2StateReason("Client.InternalError", "Client error on launch");
        var ids = await StartAmisAsync("us-east-1", 3);

        await DriveAsync(ids);

        var ops = await Task.WhenAll(ids.Select(_h.GetAsync));
        Assert.All(ops, o => Assert.Equal("Client.InternalError", o!.Error!.Code));
    }

    [Fact]
    public async Task AcceptedOperationWhoseJobWasLost_IsQueuedAgain_Once()
    {
        _h.Ec2.AddInstance("us-east-1", "web-01");
        await _h.SendAsync("ami web-01 --no-reboot");
        var id = _h.Queue.Enqueued[^1];

        // The process died after recording the operation, before a worker took it.
        _h.Queue.Steps.Clear();
        _h.Clock.Advance(TimeSpan.FromMinutes(3));
        await _h.Poller.TickAsync(CancellationToken.None);
        _h.Clock.Advance(_h.Poller.NextDelay);
        await _h.Poller.TickAsync(CancellationToken.None);

        Assert.Equal([(id, 0)], _h.Queue.Steps);
        await _h.RunToEndAsync(id);
        Assert.Equal(OperationState.Succeeded, (await _h.GetAsync(id))!.State);
        Assert.Equal(1, _h.Ec2.CallCount("CreateImage"));
    }

    [Fact]
    public async Task ApprovalWhoseExpiryStepWasLost_ExpiresAnyway()
    {
        var instance = _h.Ec2.AddInstance("us-east-1", "web-01");
        var snapshot = _h.Ec2.AddSnapshot("us-east-1", _h.Ec2.AddVolume("us-east-1"));
        await _h.SendAsync($"restore {snapshot} --instance {instance}");
        var id = _h.Queue.Enqueued[^1];
        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        _h.Queue.Steps.Clear();

        _h.Clock.Advance(_h.Approvals.Timeout + TimeSpan.FromMinutes(3));
        await _h.Poller.TickAsync(CancellationToken.None);
        var (queuedId, step) = Assert.Single(_h.Queue.Steps);
        await _h.Runner.RunStepAsync(queuedId, step, CancellationToken.None);

        Assert.Equal(OperationState.Expired, (await _h.GetAsync(id))!.State);
    }
}
