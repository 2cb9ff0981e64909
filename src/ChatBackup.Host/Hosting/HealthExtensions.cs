using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatBackup.Host.Hosting;

public static partial class HealthExtensions
{
    private const string Ready = "ready";

    public static IServiceCollection AddChatBackupHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [Ready]);
        return services;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: storage answers too.</summary>
    public static IEndpointRouteBuilder MapChatBackupHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return app;
    }

    public static WebApplication WarnAboutInMemoryStorage(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOperationStore>() is InMemoryOperationStore or TelemetryOperationStore { Inner: InMemoryOperationStore })
        {
            LogInMemory(app.Logger);
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:ChatBackup is not set: operations and jobs are kept in memory and lost on restart")]
    private static partial void LogInMemory(ILogger logger);

    /// <summary>Both the operation store and Hangfire's storage must answer.</summary>
    private sealed class StorageHealthCheck(IOperationStore store, JobStorage jobs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.GetAsync("op-health00", cancellationToken);
                using var connection = jobs.GetConnection();
                connection.GetAllItemsFromSet("chatbackup:health");
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("Storage did not answer.", ex);
            }
        }
    }
}
