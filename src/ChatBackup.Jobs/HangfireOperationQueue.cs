using System.Threading.Channels;
using ChatBackup.Core.Commands;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Jobs;

/// <summary>
/// Hands steps to Hangfire off the request path. A command is answered as soon as its operation
/// is recorded; a background pump turns queued steps into Hangfire jobs. Nothing is lost if the
/// process dies in between: the operation is already stored, and the poller's recovery queues any
/// operation nobody is working on again.
/// </summary>
/// <remarks>
/// The pump gives way to a burst of commands. Each operation it starts brings several jobs, EC2 and
/// chat calls, which on a saturated machine take the CPU that the burst's answers need within
/// Slack's 3 s. So while new operations keep arriving and work has been waiting for the thread pool
/// within the last second, it starts them in batches of <see cref="BatchSize"/> per
/// <see cref="BurstPause"/> (never fewer, so work goes on), and catches up at full speed once no new
/// operation has arrived for two pauses. Later steps of running operations (from the poller and
/// approvals) never wait behind the starts. Without saturation nothing is held back.
/// </remarks>
public sealed partial class HangfireOperationQueue : BackgroundService, IOperationQueue
{
    /// <summary>Operations started before the pump looks at the load again.</summary>
    internal const int BatchSize = 8;

    /// <summary>The pause between batches of starts during a burst.</summary>
    internal static readonly TimeSpan BurstPause = TimeSpan.FromMilliseconds(50);

    // A burst is on while the last start arrived less than this long ago.
    private static readonly long BurstQuietMs = (long)(BurstPause * 2).TotalMilliseconds;

    // The thread pool's queue empties now and then even on a saturated machine: one look at it
    // counts for this long, so that the pump does not race through the backlog at the first gap.
    private const long SaturationMemoryMs = 1000;

    private readonly Channel<(string OperationId, int Step)> _queued = Channel.CreateUnbounded<(string, int)>(
        new UnboundedChannelOptions { SingleReader = true });

    // Starts held back during a burst, oldest first; only the pump (and StopAsync after it) uses it.
    private readonly Queue<string> _waitingStarts = new();

    private readonly IBackgroundJobClient _jobs;
    private readonly ILogger<HangfireOperationQueue> _logger;
    private readonly Func<bool> _saturated;
    private long _lastStartMs = long.MinValue / 2;
    private long _lastSaturatedMs = long.MinValue / 2;

    public HangfireOperationQueue(IBackgroundJobClient jobs, ILogger<HangfireOperationQueue> logger)
        : this(jobs, logger, ThreadPoolIsSaturated)
    {
    }

    /// <param name="saturated">Whether work is waiting for the CPU; starts are paced only while it says so.</param>
    internal HangfireOperationQueue(IBackgroundJobClient jobs, ILogger<HangfireOperationQueue> logger, Func<bool> saturated)
    {
        _jobs = jobs;
        _logger = logger;
        _saturated = saturated;
    }

    public Task EnqueueAsync(string operationId, int step, CancellationToken cancellationToken)
    {
        if (step == 0)
        {
            Volatile.Write(ref _lastStartMs, Environment.TickCount64);
        }

        return _queued.Writer.TryWrite((operationId, step))
            ? Task.CompletedTask
            : Task.Run(() => Enqueue(operationId, step), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queued.Reader;
        try
        {
            while (true)
            {
                // Steps of running operations go at once; new operations join the line of starts.
                while (reader.TryRead(out var item))
                {
                    if (item.Step != 0)
                    {
                        Enqueue(item.OperationId, item.Step);
                    }
                    else
                    {
                        _waitingStarts.Enqueue(item.OperationId);
                    }
                }

                for (var i = 0; i < BatchSize && _waitingStarts.TryDequeue(out var operationId); i++)
                {
                    Enqueue(operationId, 0);
                }

                if (_waitingStarts.Count == 0)
                {
                    if (!await reader.WaitToReadAsync(stoppingToken))
                    {
                        return;
                    }
                }
                else if (InBurst())
                {
                    await Task.Delay(BurstPause, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What was accepted before shutdown still goes to Hangfire's storage, in the order it came.
        _queued.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_waitingStarts.TryDequeue(out var operationId))
        {
            Enqueue(operationId, 0);
        }

        while (_queued.Reader.TryRead(out var item))
        {
            Enqueue(item.OperationId, item.Step);
        }
    }

    /// <summary>Work items queued and not yet picked up by a thread: the CPU is the bottleneck right now.</summary>
    private static bool ThreadPoolIsSaturated() => ThreadPool.PendingWorkItemCount > 0;

    /// <summary>New operations keep arriving, and the machine was saturated a moment ago.</summary>
    private bool InBurst()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _lastStartMs) >= BurstQuietMs)
        {
            return false;
        }

        if (_saturated())
        {
            _lastSaturatedMs = now;
        }

        return now - _lastSaturatedMs < SaturationMemoryMs;
    }

    public Task ScheduleAsync(string operationId, int step, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return EnqueueAsync(operationId, step, cancellationToken);
        }

        Create(operationId, step, new ScheduledState(delay));
        return Task.CompletedTask;
    }

    private void Enqueue(string operationId, int step) => Create(operationId, step, new EnqueuedState());

    private void Create(string operationId, int step, IState state)
    {
        try
        {
            _jobs.Create(OperationJob.For(operationId, step), state);
        }
        catch (Exception ex)
        {
            // The operation is stored; the poller's recovery will queue it again.
            LogEnqueueFailed(_logger, operationId, step, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand step {Step} of {OperationId} to Hangfire; the poller will retry it")]
    private static partial void LogEnqueueFailed(ILogger logger, string operationId, int step, Exception exception);
}
