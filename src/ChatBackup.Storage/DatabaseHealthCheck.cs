using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatBackup.Storage;

/// <summary>
/// <c>SELECT 1</c> within a few seconds: a readiness probe must answer quickly even when the
/// database hangs, so a load balancer takes the replica out instead of waiting with it.
/// </summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            command.CommandTimeout = (int)Math.Ceiling(Timeout.TotalSeconds);
            await command.ExecuteScalarAsync(deadline.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("PostgreSQL did not answer.", e);
        }
    }
}
