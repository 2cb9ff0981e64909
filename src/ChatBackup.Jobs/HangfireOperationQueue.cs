using System.Threading.Channels;
using ChatBackup.Core.Commands;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Jobs;

/// <summary>
/// Hands steps to Hangfire off the request path. A command is answered as soon as its operation
/// is recorded; a background pump turns queued steps into Hangfire jobs. Nothing is lost if the
/// process dies in between: the operation is already stored, and the poller's recovery queues any
/// operation nobody is working on again.
/// </summary>
public sealed partial class HangfireOperationQueue(IBackgroundJobClient jobs, ILogger<HangfireOperationQueue> logger)
    : BackgroundService, IOperationQueue
{
    private readonly Channel<(string OperationId, int Step)> _steps = Channel.CreateUnbounded<(string, int)>(
        new UnboundedChannelOptions { SingleReader = true });

    public Task EnqueueAsync(string operationId, int step, CancellationToken cancellationToken) =>
        _steps.Writer.TryWrite((operationId, step))
            ? Task.CompletedTask
            : Task.Run(() => Enqueue(operationId, step), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (operationId, step) in _steps.Reader.ReadAllAsync(stoppingToken))
            {
                Enqueue(operationId, step);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What was accepted before shutdown still goes to Hangfire's storage.
        _steps.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_steps.Reader.TryRead(out var item))
        {
            Enqueue(item.OperationId, item.Step);
        }
    }

    private void Enqueue(string operationId, int step)
    {
        try
        {
            jobs.Enqueue<OperationJob>(j => j.RunAsync(operationId, step, null, CancellationToken.None));
        }
        catch (Exception ex)
        {
            // The operation is stored; the poller's recovery will queue it again.
            LogEnqueueFailed(logger, operationId, step, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand step {Step} of {OperationId} to Hangfire; the poller will retry it")]
    private static partial void LogEnqueueFailed(ILogger logger, string operationId, int step, Exception exception);
}
