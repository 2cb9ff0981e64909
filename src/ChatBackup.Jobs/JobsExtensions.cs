using ChatBackup.Core.Commands;
using ChatBackup.Core.Options;
using ChatBackup.Jobs.Dashboard;
using ChatBackup.Storage;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Jobs;

public static partial class JobsExtensions
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
                config.UseStorage(PostgresJobStorage.Create(connectionString, PostgresJobStorage.Options(configuration.GetValue<TimeSpan?>(PostgresJobStorage.InvisibilityTimeoutKey))));
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
        // Hosted services stop in reverse order: the poller first, so that no tick hands steps to a
        // runner that has stopped, then the runner, then the sender, which records what the last
        // steps changed.
        services.AddHostedService<ChatSenderService>();
        services.AddHostedService<LocalStepService>();
        services.AddHostedService<PollerService>();
        services.AddSingleton<HangfireOperationQueue>();
        services.AddSingleton<IOperationQueue>(sp => sp.GetRequiredService<HangfireOperationQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<HangfireOperationQueue>());

        services.AddOptions<DashboardAccessOptions>().BindConfiguration(DashboardAccessOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardAccessOptions>, DashboardAccessOptionsValidator>());

        // Browsers resend Basic credentials on their own, so a page elsewhere could post to the dashboard's
        // retry and delete actions: with antiforgery registered, Hangfire requires its token on every POST.
        services.AddAntiforgery();
        return services;
    }

    /// <summary>
    /// The dashboard at <c>/hangfire</c>: loopback callers, and remote operators with the configured
    /// Basic credentials when <c>Dashboard:AllowRemote</c> is on; not mapped when <c>Dashboard:Enabled</c> is off.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        var access = app.ServiceProvider.GetRequiredService<IOptions<DashboardAccessOptions>>().Value;
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("ChatBackup.Jobs.Dashboard");
        if (!access.Enabled)
        {
            LogDisabled(logger);
            return app;
        }

        if (access.AllowRemote && access.AllowInsecureHttp)
        {
            LogInsecure(logger);
        }

        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new DashboardAuthorizationFilter(access, logger)] });
        return app;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "The Hangfire dashboard is off (Dashboard:Enabled is false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Dashboard:AllowInsecureHttp is on: remote dashboard passwords are accepted over plain HTTP; keep the hop from the TLS proxy private")]
    private static partial void LogInsecure(ILogger logger);
}
