using System.Globalization;
using ChatBackup.Core.Waiting;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Jobs;

/// <summary>
/// Runs the resource poller's ticks. With several replicas, a tick runs under Hangfire's
/// distributed lock and records its time in the shared storage, so the replicas together make
/// one tick per interval, not one each.
/// </summary>
public sealed partial class PollerService(ResourcePoller poller, JobStorage storage, TimeProvider clock, ILogger<PollerService> logger) : BackgroundService
{
    private const string LockName = "chatbackup:poller";
    private const string StateKey = "chatbackup:poller";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickIfDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed tick loses nothing: the operations are still waiting and the next tick looks again.
                LogTickFailed(logger, ex);
            }

            try
            {
                await Task.Delay(poller.NextDelay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task TickIfDueAsync(CancellationToken cancellationToken)
    {
        using var connection = storage.GetConnection();
        IDisposable handle;
        try
        {
            handle = connection.AcquireDistributedLock(LockName, TimeSpan.Zero);
        }
        catch (DistributedLockTimeoutException)
        {
            return;
        }

        using (handle)
        {
            var now = clock.GetUtcNow();
            var last = connection.GetAllEntriesFromHash(StateKey)?.GetValueOrDefault("last");
            if (last is not null
                && DateTimeOffset.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                && now - at < poller.NextDelay * 0.8)
            {
                return;
            }

            var result = await poller.TickAsync(cancellationToken);
            connection.SetRangeInHash(StateKey, [new("last", now.ToString("O", CultureInfo.InvariantCulture))]);
            if (result.Watched > 0)
            {
                LogTick(logger, result.Watched, result.DescribeCalls, result.StepsQueued);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Poll tick: {Watched} operations watched, {Calls} Describe calls, {Queued} steps queued")]
    private static partial void LogTick(ILogger logger, int watched, int calls, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A poll tick failed; the next one looks again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
