using ChatBackup.Core.Running;
using Microsoft.Extensions.Hosting;

namespace ChatBackup.Jobs;

/// <summary>
/// Runs the steps the poller finds due beside the Hangfire server, not as its jobs (see
/// <see cref="LocalStepRunner"/>). Steps still waiting at shutdown are found due again by the
/// next tick, here or on another replica.
/// </summary>
public sealed class LocalStepService(LocalStepRunner runner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);
}
