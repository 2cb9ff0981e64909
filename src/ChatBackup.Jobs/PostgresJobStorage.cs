using ChatBackup.Storage;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace ChatBackup.Jobs;

/// <summary>Hangfire's tables in the <c>hangfire</c> schema of the bot's PostgreSQL database.</summary>
public static class PostgresJobStorage
{
    public const string SchemaName = "hangfire";

    /// <summary><c>Jobs:InvisibilityTimeout</c>: how long a step taken by a replica that then died stays invisible.</summary>
    public const string InvisibilityTimeoutKey = "Jobs:InvisibilityTimeout";

    /// <summary>
    /// A killed replica's step comes back this long after its last keep-alive. Steps take seconds, so
    /// minutes are plenty; Hangfire.PostgreSql's own default (30 minutes, fixed) left an operation
    /// whose step was running when its replica was killed stuck for half an hour.
    /// </summary>
    public static readonly TimeSpan DefaultInvisibilityTimeout = TimeSpan.FromMinutes(5);

    public static PostgreSqlStorageOptions Options(TimeSpan? invisibilityTimeout = null) => new()
    {
        SchemaName = SchemaName,

        // Sliding: a live worker keeps pushing its job's fetch time forward, so a slow step is never
        // handed to a second worker, while a dead one's job is handed out again after the timeout.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = invisibilityTimeout ?? DefaultInvisibilityTimeout,
        PrepareSchemaIfNecessary = true,

        // Enqueued steps are picked up by polling the queue table: a short poll keeps a click's
        // answer prompt. Each poll is one indexed query per worker set.
        QueuePollInterval = TimeSpan.FromSeconds(1),

        // A replica that dies while holding a lock (the poller's tick lock, say) frees it after this
        // long; until then nobody polls. Ticks hold it for milliseconds, so it can be short.
        DistributedLockTimeout = TimeSpan.FromSeconds(15),
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
