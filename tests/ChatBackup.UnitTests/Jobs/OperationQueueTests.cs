using ChatBackup.Jobs;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBackup.UnitTests.Jobs;

public sealed class OperationQueueTests
{
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public List<(string OperationId, int Step)> Created { get; } = [];

        public bool Fail { get; set; }

        /// <summary>Creating a job waits until this is set, as with slow storage.</summary>
        public ManualResetEventSlim? Gate { get; set; }

        /// <summary>Set when a job creation has begun.</summary>
        public ManualResetEventSlim Entered { get; } = new();

        public string Create(Job job, IState state)
        {
            if (Fail)
            {
                throw new InvalidOperationException("storage down");
            }

            Entered.Set();
            Gate?.Wait(TimeSpan.FromSeconds(10));

            lock (Created)
            {
                Created.Add(((string)job.Args[0], (int)job.Args[1]));
            }

            return Guid.NewGuid().ToString();
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private static HangfireOperationQueue Queue(RecordingJobClient client, bool saturated = false) =>
        new(client, NullLogger<HangfireOperationQueue>.Instance, () => saturated);

    private static async Task WaitForAsync(RecordingJobClient client, int count, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until && Count(client) < count)
        {
            await Task.Delay(10);
        }
    }

    private static int Count(RecordingJobClient client)
    {
        lock (client.Created)
        {
            return client.Created.Count;
        }
    }

    [Fact]
    public async Task Enqueue_ReturnsAtOnce_AndThePumpHandsEveryStepToHangfire()
    {
        var client = new RecordingJobClient();
        var queue = Queue(client);
        await queue.StartAsync(CancellationToken.None);

        for (var i = 0; i < 100; i++)
        {
            await queue.EnqueueAsync($"op-{i:d8}", i % 3, CancellationToken.None);
        }

        for (var wait = 0; wait < 200 && client.Created.Count < 100; wait++)
        {
            await Task.Delay(10);
        }

        await queue.StopAsync(CancellationToken.None);
        Assert.Equal(100, client.Created.Count);
        Assert.Equal(("op-00000007", 1), Assert.Single(client.Created, c => c.OperationId == "op-00000007"));

        // Starts and later steps each keep their order (a later step may pass a start: they are different operations).
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 3 == 0).Select(i => $"op-{i:d8}"), client.Created.Where(c => c.Step == 0).Select(c => c.OperationId));
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 3 != 0).Select(i => $"op-{i:d8}"), client.Created.Where(c => c.Step != 0).Select(c => c.OperationId));
    }

    [Fact]
    public async Task DuringABurstOnASaturatedMachine_LaterStepsOvertakeTheWaitingStarts_AndEveryStartIsHandedOver()
    {
        var client = new RecordingJobClient();
        var queue = Queue(client, saturated: true);
        await queue.StartAsync(CancellationToken.None);

        for (var i = 0; i < 100; i++)
        {
            await queue.EnqueueAsync($"op-{i:d8}", 0, CancellationToken.None);
        }

        await queue.EnqueueAsync("op-running", 2, CancellationToken.None);
        await WaitForAsync(client, 101, TimeSpan.FromSeconds(10));
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal(101, client.Created.Count);
        Assert.InRange(client.Created.IndexOf(("op-running", 2)), 0, 99);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"op-{i:d8}"), client.Created.Where(c => c.Step == 0).Select(c => c.OperationId));
    }

    [Fact]
    public async Task ABurst_StaysPaced_WhenTheThreadPoolQueueEmptiesNowAndThen()
    {
        var client = new RecordingJobClient();
        var looks = 0;
        var queue = new HangfireOperationQueue(client, NullLogger<HangfireOperationQueue>.Instance, () => Interlocked.Increment(ref looks) % 10 == 0);
        await queue.StartAsync(CancellationToken.None);

        // The queue is seen non-empty at one look in ten. 1,200 starts over at least 600 ms: paced,
        // about 8 per 50 ms go through meanwhile; racing through at every empty look, nearly all.
        for (var i = 0; i < 60; i++)
        {
            for (var j = 0; j < 20; j++)
            {
                await queue.EnqueueAsync($"op-{i:d4}{j:d4}", 0, CancellationToken.None);
            }

            await Task.Delay(10);
        }

        var duringBurst = Count(client);
        await WaitForAsync(client, 1200, TimeSpan.FromSeconds(10));
        await queue.StopAsync(CancellationToken.None);

        Assert.InRange(duringBurst, 1, 600);
        Assert.Equal(1200, client.Created.Count);
    }

    [Fact]
    public async Task ABurstThatSaturatesTheMachineOnlyAfterItBegan_IsPacedFromThen()
    {
        using var gate = new ManualResetEventSlim();
        var client = new RecordingJobClient { Gate = gate };
        var saturated = false;
        var queue = new HangfireOperationQueue(client, NullLogger<HangfireOperationQueue>.Instance, () => Volatile.Read(ref saturated));
        await queue.StartAsync(CancellationToken.None);

        // The pump is busy with the first start (its storage is slow) while 999 more arrive and the
        // machine becomes saturated: it must look at the load again, not take all it finds queued.
        await queue.EnqueueAsync("op-first", 0, CancellationToken.None);
        Assert.True(client.Entered.Wait(TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 999; i++)
        {
            await queue.EnqueueAsync($"op-{i:d8}", 0, CancellationToken.None);
        }

        Volatile.Write(ref saturated, true);
        gate.Set();

        // The burst goes on for 200 ms: a start every few milliseconds from a thread of its own, so a
        // busy thread pool (a loaded CI machine) cannot stretch the gaps past the burst's quiet time.
        var late = 0;
        var burst = new Thread(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 200)
            {
                queue.EnqueueAsync($"op-late-{late++:d4}", 0, CancellationToken.None).GetAwaiter().GetResult();
                Thread.Sleep(5);
            }
        });
        burst.Start();
        burst.Join();

        var duringBurst = Count(client);
        await queue.StopAsync(CancellationToken.None);

        Assert.InRange(duringBurst, 1, 500);
        Assert.Equal(1000 + late, client.Created.Count);
    }

    [Fact]
    public async Task StartsHeldBackByABurst_AreHandedOverAtFullSpeed_OnceNoNewOnesArrive()
    {
        var client = new RecordingJobClient();
        var queue = Queue(client, saturated: true);
        await queue.StartAsync(CancellationToken.None);

        // Paced all the way, 2,000 starts would take 2,000 / BatchSize × BurstPause = 12.5 s.
        for (var i = 0; i < 2000; i++)
        {
            await queue.EnqueueAsync($"op-{i:d8}", 0, CancellationToken.None);
        }

        await WaitForAsync(client, 2000, TimeSpan.FromSeconds(5));
        var handedOver = Count(client);
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal(2000, handedOver);
    }

    [Fact]
    public async Task StepsAcceptedBeforeShutdown_AreStillHandedOver()
    {
        var client = new RecordingJobClient();
        var queue = Queue(client);

        // Not started: the pump never ran, as when shutdown comes right after the request.
        await queue.EnqueueAsync("op-aaaaaaaa", 0, CancellationToken.None);
        await queue.EnqueueAsync("op-bbbbbbbb", 2, CancellationToken.None);
        await queue.StopAsync(CancellationToken.None);

        Assert.Equal([("op-aaaaaaaa", 0), ("op-bbbbbbbb", 2)], client.Created);
    }

    [Fact]
    public async Task StorageFailure_IsLoggedNotThrown_ForThePollerToRecover()
    {
        var client = new RecordingJobClient { Fail = true };
        var queue = new HangfireOperationQueue(client, NullLogger<HangfireOperationQueue>.Instance);

        await queue.EnqueueAsync("op-aaaaaaaa", 0, CancellationToken.None);
        var stop = Record.ExceptionAsync(() => queue.StopAsync(CancellationToken.None));

        Assert.Null(await stop);
        Assert.Empty(client.Created);
    }
}
