using System.Net;
using System.Net.Sockets;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Storage;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Postgres;
using ChatBackup.Testing.Slack;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatBackup.IntegrationTests.Storage;

/// <summary>The whole bot on PostgreSQL: what it stores there, what survives a restart, what replicas share.</summary>
[Collection(PostgresFixture.Collection)]
public sealed class DurableAppTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly FakeEc2Gateway _ec2 = new();
    private RecordingSlackServer _slack = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _connectionString = await postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private ChatBackupApp App(string? connectionString = null) =>
        ChatBackupApp.WithFake(_slack, _ec2, new Dictionary<string, string?> { [StorageConfiguration.Key] = connectionString ?? _connectionString });

    [Fact]
    public async Task ConnectionStringSet_OperationsAndJobsLiveInPostgres_AndReadyChecksTheDatabase()
    {
        await using var app = App();
        using var client = app.CreateClient();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.IsType<PostgresOperationStore>(Assert.IsType<TelemetryOperationStore>(app.Store).Inner);
        Assert.IsType<PostgreSqlStorage>(app.Services.GetRequiredService<JobStorage>());
        var checks = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Contains(checks, c => c.Name == "database" && c.Tags.Contains("ready"));
    }

    [Fact]
    public async Task AmiWaitingAcrossARestart_IsFinishedByTheNextProcess_Once()
    {
        _ec2.PendingPolls = 30;
        _ec2.AddInstance(ChatBackupApp.Region, "web-01");
        string id;
        await using (var first = App())
        {
            await first.CommandAsync("ami web-01 --no-reboot");
            id = Assert.Single(await first.OperationsAsync()).Id;
            await WaitUntilAsync(first, id, o => o.Resource(ResourceKeys.ImageId) is not null);
        }

        await using var second = App();
        var op = await second.WaitForFinalAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(OperationState.Succeeded, op.State);
        Assert.Equal(1, _ec2.CallCount("CreateImage"));
        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage" && c["thread_ts"] is not null);
    }

    [Fact]
    public async Task TwoReplicas_ShareTheWork_AndCreateEachAmiOnce()
    {
        _ec2.PendingPolls = 5;
        _ec2.AddInstance(ChatBackupApp.Region, "web-02");
        await using var a = App();
        await using var b = App();

        // Starts b's host too, so both replicas' Hangfire workers compete for the steps.
        _ = b.Server;

        // The same Slack retry delivered to both replicas: one operation, one AMI.
        var fields = new SlackCommandFields("ami web-02 --no-reboot") { TriggerId = "trigger-" + Guid.NewGuid().ToString("N") };
        await Task.WhenAll(a.CommandAsync("ami web-02 --no-reboot", fields), b.CommandAsync("ami web-02 --no-reboot", fields));
        var id = Assert.Single(await a.OperationsAsync()).Id;
        var op = await b.WaitForFinalAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(OperationState.Succeeded, op.State);
        Assert.Equal(1, _ec2.CallCount("CreateImage"));
        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage" && c["thread_ts"] is null);
    }

    [Fact]
    public void InvalidConnectionString_StopsStartUp_NamingTheKey()
    {
        using var app = App("Host=127.0.0.1;Port=not-a-port;Password=hunter2");

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var message = error.ToString();
        Assert.Contains(StorageConfiguration.Key, message);
        Assert.DoesNotContain("hunter2", message);
    }

    [Fact]
    public void DatabaseUnreachable_StopsStartUp_NamingTheKey()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var app = App($"Host=127.0.0.1;Port={closedPort};Database=chatbackup;Username=bot;Password=hunter2");

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        var message = error.ToString();
        Assert.Contains(StorageConfiguration.Key, message);
        Assert.Contains($"127.0.0.1:{closedPort}/chatbackup", message);
        Assert.DoesNotContain("hunter2", message);
    }

    private static async Task WaitUntilAsync(ChatBackupApp app, string id, Func<Operation, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var op = await app.Store.GetAsync(id, CancellationToken.None);
            if (op is not null && condition(op))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{id} is {op?.State} ({op?.Phase})");
            await Task.Delay(50);
        }
    }
}
