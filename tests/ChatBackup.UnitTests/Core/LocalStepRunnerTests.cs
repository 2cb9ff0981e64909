using ChatBackup.Core.Chat;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Testing.Chat;
using ChatBackup.Testing.Operations;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBackup.UnitTests.Core;

/// <summary>
/// The runner of the steps the poller finds due: urgent steps first, failures handed to the job
/// queue for its retries, later steps scheduled there, and many steps at once.
/// </summary>
public sealed class LocalStepRunnerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ReadsInOrder _store = new();
    private readonly CoreHarness.RecordingQueue _queue = new();
    private readonly StepHandler _handler = new();

    [Fact]
    public async Task StepsWhoseResourceChanged_RunBeforeStepsThatOnlyShowProgress()
    {
        var progress = await AddAsync();
        var finished = await AddAsync();
        var runner = Runner();

        runner.Enqueue(progress.Id, 0, stateChanged: false);
        runner.Enqueue(finished.Id, 0, stateChanged: true);
        await runner.DrainAsync(None);

        Assert.Equal([finished.Id, progress.Id], _store.FirstReads());
        Assert.Equal(0, runner.Pending);
    }

    [Fact]
    public async Task AStepThatThrows_IsHandedToTheJobQueue_ForItsRetries()
    {
        var op = await AddAsync();
        _store.FailReadsOf = op.Id;
        var runner = Runner();

        runner.Enqueue(op.Id, 0, stateChanged: true);
        await runner.DrainAsync(None);

        Assert.Equal([(op.Id, 0)], _queue.Steps);
    }

    [Fact]
    public async Task AStepThatWantsToRunAgainLater_IsScheduledOnTheJobQueue()
    {
        var op = await AddAsync();
        _handler.Outcome = o => new StepOutcome.Wait(o, TimeSpan.FromSeconds(30));
        var runner = Runner();

        runner.Enqueue(op.Id, 0, stateChanged: true);
        await runner.DrainAsync(None);

        // The step ran here (and was claimed); only the next one goes to the queue.
        Assert.Equal(1, (await _store.GetAsync(op.Id, None))!.Step);
        Assert.Equal([(op.Id, 1, TimeSpan.FromSeconds(30))], _queue.Scheduled);
    }

    [Fact]
    public async Task WhileRunning_ManyStepsHandedOverAtOnce_AllRunOnce()
    {
        var ops = new List<Operation>();
        for (var i = 0; i < 200; i++)
        {
            ops.Add(await AddAsync());
        }

        var runner = Runner();
        using var stop = new CancellationTokenSource();
        var loop = runner.RunAsync(stop.Token);
        foreach (var op in ops)
        {
            runner.Enqueue(op.Id, 0, stateChanged: ops.IndexOf(op) % 2 == 0);
        }

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        while (runner.Pending > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await loop;

        Assert.Equal(0, runner.Pending);
        Assert.All(ops, op => Assert.Equal(OperationState.Succeeded, _store.GetAsync(op.Id, None).Result!.State));
        Assert.Equal(200, _handler.Runs);
        Assert.Empty(_queue.Steps);
    }

    private LocalStepRunner Runner()
    {
        var options = new BackupOptions();
        var operations = new OperationRunner(
            _store,
            [_handler],
            [],
            new ChatGateways(() => [new RecordingChatGateway()]),
            new NoOutbox(),
            options,
            new ApprovalOptions(),
            TimeProvider.System,
            NullLogger<OperationRunner>.Instance);
        return new LocalStepRunner(operations, _queue, NullLogger<LocalStepRunner>.Instance);
    }

    private async Task<Operation> AddAsync() =>
        (await _store.AddAsync(SampleOperations.New() with { State = OperationState.Running, StartedAt = DateTimeOffset.UtcNow }, None)).Operation;

    private sealed class NoOutbox : IChatOutbox
    {
        public void Enqueue(Operation operation)
        {
        }
    }

    /// <summary>Finishes every step unless told otherwise; counts its runs.</summary>
    private sealed class StepHandler : IOperationHandler
    {
        private int _runs;

        public int Runs => _runs;

        public OperationKind Kind => SampleOperations.New().Kind;

        public Func<Operation, StepOutcome> Outcome { get; set; } = o => new StepOutcome.Succeeded(o);

        public Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            return Task.FromResult(Outcome(operation));
        }
    }

    /// <summary>The in-memory store, noting the order operations are first read in, and failing reads of one on request.</summary>
    private sealed class ReadsInOrder() : ForwardingOperationStore(new InMemoryOperationStore(TimeProvider.System))
    {
        private readonly List<string> _reads = [];

        public string? FailReadsOf { get; set; }

        public List<string> FirstReads()
        {
            lock (_reads)
            {
                return _reads.Distinct().ToList();
            }
        }

        public override Task<Operation?> GetAsync(string id, CancellationToken cancellationToken)
        {
            if (id == FailReadsOf)
            {
                throw new InvalidOperationException("the store is down");
            }

            lock (_reads)
            {
                _reads.Add(id);
            }

            return base.GetAsync(id, cancellationToken);
        }
    }
}
