using System.Collections.Concurrent;
using System.Diagnostics;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Waiting;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Running;

/// <summary>
/// Runs the steps the poller finds due in this process instead of as job-queue jobs. A job costs
/// several storage writes (create, enqueue, fetch, state changes); in a fleet-wide fan-out the
/// poller finds thousands of steps due in one tick, and those writes, not the steps, would decide
/// how late the "AMI available" messages are.
/// </summary>
/// <remarks>
/// Nothing here needs the queue's durability. A step is safe to run anywhere and twice: its claim
/// makes a duplicate a no-op. A step lost with the process is found due again by the next tick,
/// here or on another replica, because it is derived from what EC2 reports. A step that throws is
/// handed to the job queue, whose retries and give-up apply as to any other step. Steps whose
/// resource changed state go before those that only have progress to show.
/// </remarks>
public sealed partial class LocalStepRunner(OperationRunner runner, IOperationQueue queue, ILogger<LocalStepRunner> logger) : IDueSteps, IDisposable
{
    /// <summary>Steps run at once: enough to overlap EC2 and store round trips, few enough not to crowd the CPU.</summary>
    public const int Concurrency = 16;

    private readonly ConcurrentQueue<(string Id, int Step)> _changed = new();
    private readonly ConcurrentQueue<(string Id, int Step)> _progress = new();

    // One count per step in the two queues: a worker that takes a count is sure to find a step.
    private readonly SemaphoreSlim _queued = new(0);
    private int _pending;
    private int _running;
    private long _ran;
    private long _busyTicks;

    /// <summary>Steps handed over and not yet finished.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Steps run so far.</summary>
    public long StepsRun => Interlocked.Read(ref _ran);

    /// <summary>Time spent inside steps so far, added up over the concurrent runs (as a job server's worker time is).</summary>
    public TimeSpan StepTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    public void Enqueue(string operationId, int step, bool stateChanged)
    {
        Interlocked.Increment(ref _pending);
        (stateChanged ? _changed : _progress).Enqueue((operationId, step));
        _queued.Release();
    }

    public void Dispose() => _queued.Dispose();

    /// <summary>Runs due steps until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The local step runner is already running.");
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));
        }
        finally
        {
            Interlocked.Exchange(ref _running, 0);
        }
    }

    /// <summary>Runs every step handed over so far on the caller's task (tests, and hosts without the loop).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_queued.Wait(0, CancellationToken.None))
        {
            var item = Take();
            await RunOneAsync(item.Id, item.Step, cancellationToken);
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _queued.WaitAsync(cancellationToken);
                var item = Take();
                await RunOneAsync(item.Id, item.Step, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Steps not run are found due again by the next tick after a restart.
        }
    }

    /// <summary>
    /// The oldest step whose resource changed state, else the oldest progress step. Called only
    /// after taking a count, and a count is released only after its step is queued: one is there.
    /// </summary>
    private (string Id, int Step) Take() =>
        _changed.TryDequeue(out var item) || _progress.TryDequeue(out item)
            ? item
            : throw new InvalidOperationException("A step was counted but not queued.");

    private async Task RunOneAsync(string operationId, int step, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await runner.RunStepAsync(operationId, step, cancellationToken);
            if (result is RunResult.RunAgain again)
            {
                // The step ran: its successor is handed over even when shutting down.
                await queue.ScheduleAsync(operationId, again.Step, again.Delay, CancellationToken.None);
                return;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandedOver(logger, operationId, step, ex);
            try
            {
                await queue.EnqueueAsync(operationId, step, CancellationToken.None);
            }
            catch (Exception again)
            {
                // The poller's recovery looks again once the operation has not moved for a while.
                LogLost(logger, operationId, step, again);
            }
        }
        finally
        {
            Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref _ran);
            Interlocked.Decrement(ref _pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Step {Step} of {OperationId} failed in the poller's runner; handed to the job queue for its retries")]
    private static partial void LogHandedOver(ILogger logger, string operationId, int step, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Step {Step} of {OperationId} could not be handed to the job queue; the poller will find it again")]
    private static partial void LogLost(ILogger logger, string operationId, int step, Exception exception);
}
