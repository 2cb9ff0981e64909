using Xunit;

namespace ChatBackup.Testing.Postgres;

/// <summary>
/// One PostgreSQL cluster shared by a test collection; each test takes its own database from
/// <see cref="CreateDatabaseAsync"/>. Each test assembly declares the collection itself:
/// <code>[CollectionDefinition(PostgresFixture.Collection)] public sealed class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt;;</code>
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string Collection = "postgres";

    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started");

    public Task<string> CreateDatabaseAsync() => Server.CreateDatabaseAsync();

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
