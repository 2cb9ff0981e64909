using ChatBackup.Storage;
using ChatBackup.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

using ChatBackup.Testing.Operations;

namespace ChatBackup.IntegrationTests.Storage;

[Collection(PostgresFixture.Collection)]
public sealed class DatabaseMigratorTests(PostgresFixture postgres)
{
    private static DatabaseMigrator Migrator(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<DatabaseMigrator>.Instance);

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task FiveReplicasStartingAtOnce_AllSucceed_AndApplyEachMigrationOnce()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        // Separate data sources: separate pools, as separate replicas would have.
        var replicas = Enumerable.Range(0, 5).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            await Task.WhenAll(replicas.Select(r => Task.Run(() => Migrator(r).MigrateAsync(CancellationToken.None))));

            var db = replicas[0];
            Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'chatbackup'"));
            Assert.Equal(1, await CountAsync(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'chatbackup' AND tablename = 'operations'"));
            Assert.Equal(Migrations.All.Count, await CountAsync(db, "SELECT count(*) FROM chatbackup.schema_version"));
            Assert.Equal(Migrations.All[^1].Version, await CountAsync(db, "SELECT max(version) FROM chatbackup.schema_version"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RunningAgain_ChangesNothing_AndKeepsTheData()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await Migrator(db).MigrateAsync(CancellationToken.None);
        var store = new PostgresOperationStore(db, TimeProvider.System);
        var (op, _) = await store.AddAsync(SampleOperations.New(), CancellationToken.None);
        var appliedAt = await CountAsync(db, "SELECT extract(epoch FROM max(applied_at))::bigint FROM chatbackup.schema_version");

        await Migrator(db).MigrateAsync(CancellationToken.None);

        Assert.Equal(Migrations.All.Count, await CountAsync(db, "SELECT count(*) FROM chatbackup.schema_version"));
        Assert.Equal(appliedAt, await CountAsync(db, "SELECT extract(epoch FROM max(applied_at))::bigint FROM chatbackup.schema_version"));
        Assert.NotNull(await store.GetAsync(op.Id, CancellationToken.None));
    }

    [Fact]
    public void Migrations_AreNumberedInOrder_WithoutGaps()
    {
        Assert.Equal(Enumerable.Range(1, Migrations.All.Count), Migrations.All.Select(m => m.Version));
        Assert.All(Migrations.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
    }
}
