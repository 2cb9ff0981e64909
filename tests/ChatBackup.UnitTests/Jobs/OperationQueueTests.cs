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

        public string Create(Job job, IState state)
        {
            if (Fail)
            {
                throw new InvalidOperationException("storage down");
            }

            lock (Created)
            {
                Created.Add(((string)job.Args[0], (int)job.Args[1]));
            }

            return Guid.NewGuid().ToString();
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    [Fact]
    public async Task Enqueue_ReturnsAtOnce_AndThePumpHandsEveryStepToHangfire()
    {
        var client = new RecordingJobClient();
        var queue = new HangfireOperationQueue(client, NullLogger<HangfireOperationQueue>.Instance);
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
        Assert.Equal(("op-00000007", 1), client.Created[7]);
    }

    [Fact]
    public async Task StepsAcceptedBeforeShutdown_AreStillHandedOver()
    {
        var client = new RecordingJobClient();
        var queue = new HangfireOperationQueue(client, NullLogger<HangfireOperationQueue>.Instance);

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
