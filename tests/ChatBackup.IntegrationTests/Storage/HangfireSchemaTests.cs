using ChatBackup.Jobs;
using ChatBackup.Storage;
using ChatBackup.Testing.Postgres;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatBackup.IntegrationTests.Storage;

[Collection(PostgresFixture.Collection)]
public sealed class HangfireSchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ReplicasPreparingHangfiresSchemaAtOnce_AllSucceed()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        // Our migrator too: every replica runs both at start-up, in no fixed order.
        var starts = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                await using var db = NpgsqlDataSource.Create(connectionString);
                await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
            }

            var storage = PostgresJobStorage.Create(connectionString, PostgresJobStorage.Options());
            using var connection = storage.GetConnection();
            connection.GetAllItemsFromSet("chatbackup:probe");
        }));

        await Task.WhenAll(starts);

        await using var check = NpgsqlDataSource.Create(connectionString);
        await using var command = check.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = @schema AND tablename = 'job'");
        command.Parameters.AddWithValue("schema", PostgresJobStorage.SchemaName);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task PreparedStorage_AcceptsJobs()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var storage = PostgresJobStorage.Create(connectionString, PostgresJobStorage.Options());
        var client = new BackgroundJobClient(storage);

        var id = client.Create(() => Console.WriteLine("probe"), new EnqueuedState());

        using var connection = storage.GetConnection();
        Assert.Equal("Enqueued", connection.GetStateData(id).Name);
        Assert.IsType<PostgreSqlStorage>(storage);
    }
}
