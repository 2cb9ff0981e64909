using System.Diagnostics;
using System.Net;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using ChatBackup.Host.Hosting;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>The bot's own metrics and spans, as a whole-app run records them.</summary>
[Collection(MotoFixture.Collection)]
public sealed class TelemetryTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Bob = "U0456BOB";

    private readonly MetricRecorder _metrics = new();
    private RecordingSlackServer _slack = null!;

    public async Task InitializeAsync() => _slack = await RecordingSlackServer.StartAsync();

    public async Task DisposeAsync()
    {
        _metrics.Dispose();
        await _slack.DisposeAsync();
    }

    private static (string Tag, string Value)[] Transition(string kind, OperationState state) =>
        [("kind", kind), ("state", state.ToString())];

    [Fact]
    public async Task AmiThroughSlack_CountsEachStateOnce_AndTheSlackCalls()
    {
        var ec2 = new FakeEc2Gateway { PendingPolls = 2 };
        ec2.AddInstance(ChatBackupApp.Region, "web-01");
        await using var app = ChatBackupApp.WithFake(_slack, ec2);

        Assert.Equal(HttpStatusCode.OK, (await app.CommandAsync("ami web-01 --no-reboot")).StatusCode);
        var op = await app.WaitForFinalAsync(Assert.Single(await app.OperationsAsync()).Id);

        Assert.Equal(OperationState.Succeeded, op.State);
        await _metrics.WaitForAsync(m => m.Sum(ChatBackupTelemetry.OperationsName, Transition("CreateAmi", OperationState.Succeeded)) > 0, "Succeeded count");
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.OperationsName, Transition("CreateAmi", OperationState.Queued)));
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.OperationsName, Transition("CreateAmi", OperationState.Running)));
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.OperationsName, Transition("CreateAmi", OperationState.Succeeded)));
        Assert.Equal(3, _metrics.Sum(ChatBackupTelemetry.OperationsName));

        // Card updates and step claims write the record many times; only state changes count.
        Assert.True(op.Version > 3, $"expected more writes than transitions, saw version {op.Version}");

        Assert.Equal(
            _slack.Calls.Count(c => c.Method == "chat.postMessage"),
            _metrics.Sum(ChatBackupTelemetry.ChatCallsName, ("platform", "slack"), ("method", "chat.postMessage"), ("outcome", ChatBackupTelemetry.Ok)));
        Assert.Equal(
            _slack.Calls.Count(c => c.Method == "chat.update"),
            _metrics.Sum(ChatBackupTelemetry.ChatCallsName, ("platform", "slack"), ("method", "chat.update"), ("outcome", ChatBackupTelemetry.Ok)));
        Assert.True(_metrics.Sum(ChatBackupTelemetry.ChatCallsName, ("method", "chat.update")) > 0);
    }

    [Fact]
    public async Task WithoutAnOtlpEndpoint_TheOpenTelemetrySdkIsNotSetUp()
    {
        // Nothing would leave the process: building spans and histograms for every request would be waste.
        await using var app = ChatBackupApp.WithFake(_slack, new FakeEc2Gateway());

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task RestoreApproval_RecordsTheLatencyFromRequestToDecision()
    {
        var ec2 = new FakeEc2Gateway();
        ec2.AddInstance(ChatBackupApp.Region, "web-01");
        var snapshot = ec2.AddSnapshot(ChatBackupApp.Region, ec2.AddVolume(ChatBackupApp.Region), 8, "nightly");
        await using var app = ChatBackupApp.WithFake(_slack, ec2, new Dictionary<string, string?> { ["Access:Approvers:0"] = "slack:" + Bob });

        await app.CommandAsync($"restore {snapshot} --instance web-01");
        await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && SlackText.Visible(c.Body).Contains("Approval needed", StringComparison.Ordinal));
        var requested = Assert.Single(await app.OperationsAsync());
        var click = await app.CreateClient().SendAsync(app.Signer.Interaction(SlackRequestSigner.BlockActionsPayload(
            CardActions.Approve, requested.Id, Bob, "bob", messageTs: requested.CardMessageId, responseUrl: _slack.ResponseUrl("click"), actionTs: "1700000001.000100")));
        var op = await app.WaitForFinalAsync(requested.Id);

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        Assert.Equal(OperationState.Succeeded, op.State);
        var latency = Assert.Single(_metrics.Of(ChatBackupTelemetry.ApprovalLatencyName));
        Assert.True(latency.Has("decision", "approved"));
        Assert.InRange(latency.Value, 0, (op.Approval!.DecidedAt - op.CreatedAt).TotalSeconds + 0.001);
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.OperationsName, Transition("RestoreSnapshot", OperationState.AwaitingApproval)));
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.OperationsName, Transition("RestoreSnapshot", OperationState.Queued)));
    }

    [Fact]
    public async Task SlackRateLimit_IsCounted_AndTheRetriedCallCountsOnce()
    {
        var ec2 = new FakeEc2Gateway();
        ec2.AddInstance(ChatBackupApp.Region, "web-01");
        await using var app = ChatBackupApp.WithFake(_slack, ec2);
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 0);

        await app.CommandAsync("ami web-01 --no-reboot");
        await app.WaitForFinalAsync(Assert.Single(await app.OperationsAsync()).Id);

        Assert.Contains(_slack.Calls, c => c is { Method: "chat.postMessage", StatusCode: 429 });
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.ChatRateLimitedName, ("platform", "slack"), ("method", "chat.postMessage")));
        Assert.Equal(0, _metrics.Sum(ChatBackupTelemetry.ChatCallsName, ("outcome", "ratelimited")));
        Assert.Equal(
            _slack.Calls.Count(c => c is { Method: "chat.postMessage", StatusCode: 200 }),
            _metrics.Sum(ChatBackupTelemetry.ChatCallsName, ("method", "chat.postMessage"), ("outcome", ChatBackupTelemetry.Ok)));
    }

    [Fact]
    public async Task Ec2GatewayAgainstMoto_CountsAndTracesEachCall_WithTheErrorCodeOnFailures()
    {
        var spans = new List<Activity>();
        using var client = moto.CreateClient(ChatBackupApp.Region);
        var instance = await MotoSeed.RunInstanceAsync(client, $"web-{Guid.NewGuid():N}"[..20]);

        // The SDK is only set up when there is an OTLP endpoint: one that refuses connections will do.
        await using var app = ChatBackupApp.WithMoto(_slack, moto.Endpoint, new Dictionary<string, string?>
        {
            [TelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:9",
            [TelemetryExtensions.OtlpProtocolKey] = "http/protobuf",
        });
        app.TestServices = services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));

        await app.CommandAsync($"ami {instance} --no-reboot");
        var op = await app.WaitForFinalAsync(Assert.Single(await app.OperationsAsync()).Id);
        var missing = await Assert.ThrowsAsync<Ec2Exception>(() => app.Services.GetRequiredService<IEc2Gateway>().CreateImageAsync(
            ChatBackupApp.Region, new CreateImageRequest("i-0123456789abcdef0", "never", null, NoReboot: true, new Dictionary<string, string>()), CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, op.State);
        Assert.Equal(Ec2FaultKind.NotFound, missing.Kind);
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.Ec2CallsName, ("action", "CreateImage"), ("region", ChatBackupApp.Region), ("outcome", ChatBackupTelemetry.Ok)));
        Assert.Equal(1, _metrics.Sum(ChatBackupTelemetry.Ec2CallsName, ("action", "CreateImage"), ("outcome", "not_found")));
        Assert.True(_metrics.Sum(ChatBackupTelemetry.Ec2CallsName, ("action", "DescribeImages"), ("outcome", ChatBackupTelemetry.Ok)) > 0);
        Assert.Equal(0, _metrics.Sum(ChatBackupTelemetry.Ec2ThrottlesName));

        Activity[] traced;
        lock (spans)
        {
            traced = [.. spans];
        }

        var created = traced.Where(s => s.Source.Name == ChatBackupTelemetry.Name && s.DisplayName == "EC2.CreateImage").ToList();
        Assert.Equal(2, created.Count);
        Assert.All(created, s => Assert.Equal(ChatBackupApp.Region, s.GetTagItem("cloud.region")));
        var failed = Assert.Single(created, s => s.Status == ActivityStatusCode.Error);
        Assert.Equal(missing.Code, failed.GetTagItem("aws.error.code"));

        // The host's wiring: ASP.NET Core and HttpClient spans go to the same exporter.
        Assert.Contains(traced, s => s.Source.Name == "Microsoft.AspNetCore" && (s.GetTagItem("url.path") as string) == SlackRequestSigner.CommandsPath);
        Assert.Contains(traced, s => s.Source.Name == "System.Net.Http" && s.Parent?.DisplayName == "EC2.CreateImage");
    }
}
