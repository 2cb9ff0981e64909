using ChatBackup.Core.Commands;
using ChatBackup.Core.Options;
using ChatBackup.Storage;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBackup.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire, a server, the operation job and the queue the core enqueues on. Jobs are stored in
    /// PostgreSQL when <c>ConnectionStrings:ChatBackup</c> is set, so they survive restarts and are
    /// shared by replicas; otherwise in memory.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = StorageConfiguration.PostgresConnectionString(configuration);
        services.AddHangfire(config =>
        {
            config
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (connectionString is null)
            {
                config.UseInMemoryStorage();
            }
            else
            {
                config.UseStorage(PostgresJobStorage.Create(connectionString, PostgresJobStorage.Options()));
            }
        });
        services.AddHangfireServer((sp, server) =>
        {
            var backup = sp.GetRequiredService<IOptions<BackupOptions>>().Value;

            // Delayed steps are found by this poll: keep it well under the poll interval.
            server.SchedulePollingInterval = TimeSpan.FromTicks(Math.Clamp(backup.PollInterval.Ticks / 3, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(5).Ticks));
            server.WorkerCount = Math.Max(4, Environment.ProcessorCount * 4);
        });
        services.AddTransient<OperationJob>();
        services.AddSingleton<IOperationQueue, HangfireOperationQueue>();
        return services;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, for loopback callers only.</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new LoopbackOnlyDashboardFilter()] });
        return app;
    }
}
