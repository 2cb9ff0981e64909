using System.Text.Json.Nodes;
using ChatBackup.Core.Operations;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBackup.IntegrationTests.Slack;

/// <summary>Waiting and progress, which moto cannot show: the EC2 fake keeps images pending for several polls.</summary>
[Collection(MotoFixture.Collection)]
public sealed class ProgressTests : IAsyncLifetime
{
    private readonly FakeEc2Gateway _ec2 = new() { PendingPolls = 6 };
    private RecordingSlackServer _slack = null!;
    private ChatBackupApp _app = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _app = ChatBackupApp.WithFake(_slack, _ec2);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task PendingAmi_UpdatesOneCardInPlace_WithRisingProgress_ThenNotifiesOnce()
    {
        _ec2.AddInstance(ChatBackupApp.Region, "web-01");

        await _app.CommandAsync("ami web-01 --no-reboot");
        var op = await _app.WaitForFinalAsync(Assert.Single(await _app.OperationsAsync()).Id);

        Assert.Equal(OperationState.Succeeded, op.State);
        var cards = _slack.Calls.Where(c => c.Method == "chat.postMessage" && c["thread_ts"] is null).ToList();
        Assert.Single(cards);
        var updates = _slack.Calls.Where(c => c.Method == "chat.update").ToList();
        Assert.All(updates, u => Assert.Equal(op.CardMessageId, u["ts"]));
        var percents = updates
            .Select(u => System.Text.RegularExpressions.Regex.Match(u.Body!["blocks"]!.ToJsonString(), @"(\d+)%"))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(percents.Count(p => p is > 0 and < 100) >= 2, "expected at least two intermediate progress values: " + string.Join(",", percents));
        Assert.Equal(percents.OrderBy(p => p), percents);
        Assert.Single(_slack.Calls, c => c.Method == "chat.postMessage" && c["thread_ts"] is not null);

        // The wait never held a worker: it was many short steps. Only the first was a Hangfire job;
        // the poller found the others due and ran them beside the workers.
        Assert.True(op.Step >= 6, $"expected one short step per poll, got {op.Step}");
        var jobs = _app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().GetStatistics();
        Assert.Equal(1, jobs.Enqueued + jobs.Scheduled + jobs.Processing + jobs.Succeeded + jobs.Failed);
    }

    [Fact]
    public async Task BotNotInChannel_RequesterIsToldPrivately_AndTheOperationStillRuns()
    {
        _ec2.AddInstance(ChatBackupApp.Region, "web-02");
        _slack.FailNext("chat.postMessage", "not_in_channel");

        await _app.CommandAsync("ami web-02 --no-reboot", new SlackCommandFields("", ResponseUrl: _slack.ResponseUrl("cmd-1")));
        var op = await _app.WaitForFinalAsync(Assert.Single(await _app.OperationsAsync()).Id);

        Assert.Equal(OperationState.Succeeded, op.State);
        var viaResponseUrl = _slack.Calls.Where(c => c.Method == RecordingSlackServer.ResponseUrlMethod).ToList();
        Assert.Contains(viaResponseUrl, c => c.Body!.ToJsonString().Contains("/invite", StringComparison.Ordinal));
        Assert.Contains(viaResponseUrl, c => c.Body!.ToJsonString().Contains("is available", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ec2Throttling_DoesNotFailTheOperation()
    {
        _ec2.AddInstance(ChatBackupApp.Region, "web-03");
        await _app.CommandAsync("ami web-03 --no-reboot");
        var id = Assert.Single(await _app.OperationsAsync()).Id;
        _ec2.FailNext("DescribeImages", "RequestLimitExceeded", "Request limit exceeded.", Core.Ec2.Ec2FaultKind.Throttled);

        var op = await _app.WaitForFinalAsync(id);

        Assert.Equal(OperationState.Succeeded, op.State);
    }
}
