using ChatBackup.Core.Operations;
using ChatBackup.Storage;
using ChatBackup.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

using ChatBackup.Testing.Operations;

namespace ChatBackup.IntegrationTests.Storage;

/// <summary>The store contract against a real PostgreSQL database, one fresh database per test.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class PostgresOperationStoreTests(PostgresFixture postgres) : OperationStoreContract
{
    private NpgsqlDataSource? _dataSource;

    protected override async Task<IOperationStore> CreateStoreAsync(TimeProvider clock)
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await new DatabaseMigrator(_dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return new PostgresOperationStore(_dataSource, clock);
    }

    public override async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task StoredDocument_KeepsTheColumnsInStep()
    {
        var (op, _) = await Store.AddAsync(SampleOperations.New("key-" + Guid.NewGuid().ToString("N"), OperationState.AwaitingApproval) with { ExpiresAt = SampleOperations.Start.AddHours(1) }, CancellationToken.None);
        await Store.TryUpdateAsync(op with { State = OperationState.Queued, ExpiresAt = null }, CancellationToken.None);

        await using var command = _dataSource!.CreateCommand(
            "SELECT state, kind, version, expires_at, document->>'state', (document->>'version')::bigint FROM chatbackup.operations WHERE id = @id");
        command.Parameters.AddWithValue("id", op.Id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("Queued", reader.GetString(0));
        Assert.Equal("CreateAmi", reader.GetString(1));
        Assert.Equal(2, reader.GetInt64(2));
        Assert.True(reader.IsDBNull(3));
        Assert.Equal("Queued", reader.GetString(4));
        Assert.Equal(2, reader.GetInt64(5));
    }
}
