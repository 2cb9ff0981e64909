using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatBackup.Storage;
using ChatBackup.Testing.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ChatBackup.IntegrationTests.Storage;

[Collection(PostgresFixture.Collection)]
public sealed class DatabaseHealthCheckTests(PostgresFixture postgres)
{
    private static Task<HealthCheckResult> CheckAsync(NpgsqlDataSource db) =>
        new DatabaseHealthCheck(db).CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("database", _ => null!, HealthStatus.Unhealthy, ["ready"]),
        });

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task DatabaseUp_IsHealthy()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(db)).Status);
    }

    [Fact]
    public async Task NothingListening_IsUnhealthy_WithinTheTimeout()
    {
        await using var db = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Database=none");
        var clock = Stopwatch.StartNew();

        var result = await CheckAsync(db);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.True(clock.Elapsed < DatabaseHealthCheck.Timeout + TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ServerStopped_IsUnhealthy_AndHealthyAgainAfterRestart()
    {
        // A cluster of its own: stopping the shared one would break the other tests.
        await using var server = await PostgresServer.StartAsync();
        await using var db = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(db)).Status);

        await server.StopAsync();
        var down = await CheckAsync(db);
        await server.RestartAsync();
        var up = await CheckAsync(db);

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal(HealthStatus.Healthy, up.Status);
    }
}
