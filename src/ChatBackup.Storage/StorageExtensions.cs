using ChatBackup.Core.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatBackup.Storage;

public static class StorageExtensions
{
    /// <summary>The tag of health checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// With <c>ConnectionStrings:ChatBackup</c> set: operations in PostgreSQL, the schema migrated
    /// at start-up and a <c>database</c> readiness check. Without it nothing is registered and the
    /// core's in-memory store stays. Call order relative to <c>AddBackups</c> does not matter.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = StorageConfiguration.PostgresConnectionString(configuration);
        if (connectionString is null)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.ConnectionStringBuilder.ApplicationName ??= "ChatBackup";
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<IHostedService>(sp =>
            new DatabaseMigrationService(sp.GetRequiredService<DatabaseMigrator>(), StorageConfiguration.Describe(connectionString)));

        // Replaces the core's TryAdd of the in-memory store whichever was registered first.
        services.RemoveAll<IOperationStore>();
        services.AddSingleton<IOperationStore, PostgresOperationStore>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }
}
