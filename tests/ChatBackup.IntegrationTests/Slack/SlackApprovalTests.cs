using System.Net;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;

namespace ChatBackup.IntegrationTests.Slack;

/// <summary>Two-person approval through Slack's real endpoints: signed commands and signed button clicks.</summary>
[Collection(MotoFixture.Collection)]
public sealed class SlackApprovalTests : IAsyncLifetime
{
    private const string Bob = "U0456BOB";
    private const string Carol = "U0789CAROL";
    private const string Alice = "U0123ALICE";

    private readonly FakeEc2Gateway _ec2 = new() { PendingPolls = 2 };
    private RecordingSlackServer _slack = null!;
    private ChatBackupApp _app = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _app = ChatBackupApp.WithFake(_slack, _ec2, new Dictionary<string, string?>
        {
            ["Access:Approvers:0"] = "slack:" + Bob,
            ["Access:Approvers:1"] = "slack:" + Carol,
            ["Access:Approvers:2"] = "slack:" + Alice,
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private string SeedSnapshot()
    {
        _ec2.AddInstance(ChatBackupApp.Region, "web-01");
        return _ec2.AddSnapshot(ChatBackupApp.Region, _ec2.AddVolume(ChatBackupApp.Region), 8, "nightly");
    }

    /// <summary>Sends the restore command and waits for the approval card in the channel.</summary>
    private async Task<(string OperationId, string CardTs)> RequestRestoreAsync(string snapshot)
    {
        var response = await _app.CommandAsync($"restore {snapshot} --instance web-01");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && SlackText.Visible(c.Body).Contains("Approval needed", StringComparison.Ordinal));
        var op = Assert.Single(await _app.OperationsAsync());
        Assert.Equal(OperationState.AwaitingApproval, op.State);
        Assert.NotNull(card);
        return (op.Id, await _app.WaitForCardAsync(op.Id));
    }

    private Task<HttpResponseMessage> ClickAsync(string actionId, string operationId, string cardTs, string userId, string userName, string? actionTs = null) =>
        _app.CreateClient().SendAsync(_app.Signer.Interaction(SlackRequestSigner.BlockActionsPayload(
            actionId, operationId, userId, userName, messageTs: cardTs, responseUrl: _slack.ResponseUrl("click-" + userName), actionTs: actionTs ?? Guid.NewGuid().ToString("N"))));

    [Fact]
    public async Task Restore_RequesterCannotApprove_ButBobCan_AndTheCardShowsWhoDecided()
    {
        var snapshot = SeedSnapshot();
        var (id, ts) = await RequestRestoreAsync(snapshot);
        var approvalCard = _slack.Calls.Single(c => c.Method == "chat.postMessage");
        Assert.Contains(CardActions.Approve, approvalCard.Body!.ToJsonString());
        Assert.Contains("confirm", approvalCard.Body!.ToJsonString());

        var own = await ClickAsync(CardActions.Approve, id, ts, Alice, "alice");
        var refusal = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral" && c["user"] == Alice);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("another approver", SlackText.Visible(refusal.Body));
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.update");
        Assert.Equal(OperationState.AwaitingApproval, (await _app.Store.GetAsync(id, CancellationToken.None))!.State);

        var approve = await ClickAsync(CardActions.Approve, id, ts, Bob, "bob");
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var op = await _app.WaitForFinalAsync(id);

        Assert.Equal(OperationState.Succeeded, op.State);
        var updates = _slack.Calls.Where(c => c.Method == "chat.update").ToList();
        Assert.All(updates, u => Assert.Equal(ts, u["ts"]));
        Assert.Contains("Approved by bob", SlackText.Visible(updates[0].Body));
        Assert.DoesNotContain(CardActions.Approve, updates[0].Body!.ToJsonString());
        Assert.Contains("is attached to web-01 as /dev/sdf", SlackText.Visible(updates[^1].Body));
        Assert.Equal(1, _ec2.CallCount("CreateVolume"));
        Assert.Equal(1, _ec2.CallCount("AttachVolume"));
    }

    [Fact]
    public async Task ConcurrentApprovals_FromTwoApprovers_RestoreExactlyOnce()
    {
        var snapshot = SeedSnapshot();
        var (id, ts) = await RequestRestoreAsync(snapshot);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            i % 2 == 0 ? ClickAsync(CardActions.Approve, id, ts, Bob, "bob") : ClickAsync(CardActions.Approve, id, ts, Carol, "carol")));
        var op = await _app.WaitForFinalAsync(id);

        Assert.All(clicks, c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        Assert.Equal(OperationState.Succeeded, op.State);
        Assert.Equal(1, _ec2.CallCount("CreateVolume"));
        Assert.Single(_ec2.Volumes, v => v.SnapshotId == snapshot);
        Assert.Equal(9, _slack.Calls.Count(c => c.Method == "chat.postEphemeral" && SlackText.Visible(c.Body).Contains("already approved", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReplayedClick_ChangesNothing()
    {
        var snapshot = SeedSnapshot();
        var (id, ts) = await RequestRestoreAsync(snapshot);

        await ClickAsync(CardActions.Reject, id, ts, Bob, "bob", actionTs: "1700000009.000100");
        await ClickAsync(CardActions.Reject, id, ts, Bob, "bob", actionTs: "1700000009.000100");
        await ClickAsync(CardActions.Approve, id, ts, Carol, "carol");

        var op = (await _app.Store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(OperationState.Rejected, op.State);
        Assert.Equal("bob", op.Approval!.DecidedBy.DisplayName);
        Assert.Single(_slack.Calls, c => c.Method == "chat.update");
        Assert.Equal(0, _ec2.CallCount("CreateVolume"));
    }

    [Fact]
    public async Task ForgedClick_Is401_AndDecidesNothing()
    {
        var snapshot = SeedSnapshot();
        var (id, ts) = await RequestRestoreAsync(snapshot);
        var forged = new SlackRequestSigner("guessed-secret").Interaction(SlackRequestSigner.BlockActionsPayload(CardActions.Approve, id, Bob, "bob", messageTs: ts));

        var response = await _app.CreateClient().SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(OperationState.AwaitingApproval, (await _app.Store.GetAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task DryRunRefusal_IsToldToTheRequester_WithoutAnApprovalCard()
    {
        var snapshot = SeedSnapshot();
        _ec2.Deny("AttachVolume");

        await _app.CommandAsync($"restore {snapshot} --instance web-01");
        var note = await _slack.WaitForAsync(c => c.Method == "chat.postEphemeral");

        Assert.Equal(Alice, note["user"]);
        Assert.Contains("UnauthorizedOperation", SlackText.Visible(note.Body));
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.postMessage");
    }
}
