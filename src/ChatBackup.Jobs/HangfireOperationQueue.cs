using ChatBackup.Core.Commands;
using Hangfire;

namespace ChatBackup.Jobs;

/// <summary>Starts an operation's first step on a Hangfire worker.</summary>
public sealed class HangfireOperationQueue(IBackgroundJobClient jobs) : IOperationQueue
{
    public Task EnqueueAsync(string operationId, int step, CancellationToken cancellationToken)
    {
        jobs.Enqueue<OperationJob>(j => j.RunAsync(operationId, step, null, CancellationToken.None));
        return Task.CompletedTask;
    }
}
