using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatBackup.Storage;

/// <summary>
/// Creates or upgrades the <c>chatbackup</c> schema. Replicas that start together queue on one
/// advisory lock, so exactly one of them applies each migration and the others find it done.
/// </summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, ILogger<DatabaseMigrator> logger)
{
    /// <summary>
    /// The advisory lock every schema change of this database takes (ours and Hangfire's):
    /// "chatback" in ASCII, unlikely to collide with another application's key.
    /// </summary>
    public const long SchemaLockKey = 0x63686174_6261636B;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Held until commit: a waiting replica reads the schema only after this one's changes are visible.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", SchemaLockKey));
        await ExecuteAsync(
            connection,
            transaction,
            """
            CREATE SCHEMA IF NOT EXISTS chatbackup;
            CREATE TABLE IF NOT EXISTS chatbackup.schema_version (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """,
            cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM chatbackup.schema_version", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var latest = Migrations.All[^1].Version;
        foreach (var migration in Migrations.All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO chatbackup.schema_version (version, description) VALUES (@version, @description)",
                cancellationToken,
                ("version", migration.Version),
                ("description", migration.Description));
            LogApplied(logger, migration.Version, migration.Description);
        }

        await transaction.CommitAsync(cancellationToken);

        if (applied.Count > 0 && applied.Max() > latest)
        {
            // A newer replica migrated already (a rolling upgrade): this one works on what it knows.
            LogNewerSchema(logger, applied.Max(), latest);
        }
        else
        {
            LogReady(logger, latest);
        }
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string sql,
        CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migration {Version} ({Description}) applied")]
    private static partial void LogApplied(ILogger logger, int version, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is at version {Version}")]
    private static partial void LogReady(ILogger logger, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database schema is at version {Found}, newer than this build's {Known}: another replica runs a newer release")]
    private static partial void LogNewerSchema(ILogger logger, int found, int known);
}

/// <summary>
/// Migrates before any hosted service starts (<see cref="IHostedLifecycleService.StartingAsync"/>
/// runs ahead of every <c>StartAsync</c>), so Hangfire's workers never see a missing table.
/// </summary>
internal sealed class DatabaseMigrationService(DatabaseMigrator migrator, string target) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Could not prepare the database {target} named by {StorageConfiguration.Key}: {e.Message}", e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
