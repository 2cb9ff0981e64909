using ChatBackup.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace ChatBackup.Jobs;

/// <summary>Hangfire's tables in the <c>hangfire</c> schema of the bot's PostgreSQL database.</summary>
public static class PostgresJobStorage
{
    public const string SchemaName = "hangfire";

    public static PostgreSqlStorageOptions Options() => new()
    {
        SchemaName = SchemaName,
        PrepareSchemaIfNecessary = true,

        // Enqueued steps are picked up by polling the queue table: a short poll keeps a click's
        // answer prompt. Each poll is one indexed query per worker set.
        QueuePollInterval = TimeSpan.FromSeconds(1),

        // A replica that dies while holding a lock frees it after this long.
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>
    /// Creates the storage, which installs or upgrades Hangfire's schema. Hangfire.PostgreSql's
    /// installer takes no lock of its own (it relies on serializable transactions and
    /// <c>IF NOT EXISTS</c>, which PostgreSQL does not promise to be race-free for DDL), so the
    /// install runs under the same advisory lock as <see cref="DatabaseMigrator"/>, held on a
    /// separate session for the duration: replicas starting together install one after another.
    /// </summary>
    public static PostgreSqlStorage Create(string connectionString, PostgreSqlStorageOptions options)
    {
        try
        {
            return CreateUnderLock(connectionString, options);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Could not prepare Hangfire's storage in the database {StorageConfiguration.Describe(connectionString)} named by {StorageConfiguration.Key}: {e.GetBaseException().Message}",
                e);
        }
    }

    private static PostgreSqlStorage CreateUnderLock(string connectionString, PostgreSqlStorageOptions options)
    {
        using var guard = new NpgsqlConnection(connectionString);
        guard.Open();
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", guard))
        {
            take.Parameters.AddWithValue("key", DatabaseMigrator.SchemaLockKey);
            take.ExecuteNonQuery();
        }

        try
        {
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", guard);
            release.Parameters.AddWithValue("key", DatabaseMigrator.SchemaLockKey);
            release.ExecuteNonQuery();
        }
    }
}
