using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;

namespace ChatBackup.UnitTests.Core;

public sealed class ApprovalTests
{
    private readonly CoreHarness _h = new();

    private static string Text(Card card) => string.Join("\n", card.Blocks.OfType<TextBlock>().Select(t => t.Text).Concat(card.Blocks.OfType<FactsBlock>().SelectMany(f => f.Facts).Select(f => $"{f.Label}: {f.Value}")));

    private (string Instance, string Snapshot) Seed(int snapshotGiB = 8)
    {
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01", az: "us-east-1b");
        var volume = _h.Ec2.AddVolume(CoreHarness.Region, snapshotGiB);
        var snapshot = _h.Ec2.AddSnapshot(CoreHarness.Region, volume, snapshotGiB, "nightly");
        return (instance, snapshot);
    }

    /// <summary>Sends the command and runs its first step (the pre-checks), returning the operation id.</summary>
    private async Task<string> RequestAsync(string text, Requester? who = null)
    {
        await _h.SendAsync(text, who);
        var id = _h.Queue.Enqueued[^1];
        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        return id;
    }

    private async Task RunApprovedAsync(string id)
    {
        var (operationId, step) = _h.Queue.Steps[^1];
        Assert.Equal(id, operationId);
        Assert.Equal(step, (await _h.GetAsync(id))!.Step);
        await _h.RunToEndAsync(id);
    }

    [Fact]
    public async Task Restore_AsksWithFactsAndPrechecks_AndRunsOnceApprovedBySomeoneElse()
    {
        var (instance, snapshot) = Seed();

        var id = await RequestAsync($"restore {snapshot} --instance web-01");

        var request = Assert.Single(_h.Chat.OfKind("post")).Card;
        Assert.Equal(OperationState.AwaitingApproval, (await _h.GetAsync(id))!.State);
        Assert.Equal(["Approve", "Reject"], request.Buttons.Select(b => b.Label));
        Assert.NotNull(request.Buttons[0].Confirm);
        var facts = Text(request);
        Assert.Contains($"{snapshot} (8 GiB", facts);
        Assert.Contains("Description: nightly", facts);
        Assert.Contains($"web-01 ({instance}), running, us-east-1b", facts);
        Assert.Contains("Device: /dev/sdf", facts);
        Assert.Contains("CreateVolume allowed, AttachVolume allowed", facts);
        Assert.Contains("Requested by: alice", facts);
        Assert.Contains("Expires:", facts);
        Assert.Equal(0, _h.Ec2.CallCount("CreateVolume"));

        var reply = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);

        Assert.Null(reply.PrivateMessage);
        Assert.Contains("Approved by bob", Text(reply.UpdatedCard!));
        Assert.Empty(reply.UpdatedCard!.Buttons);
        await RunApprovedAsync(id);

        var op = (await _h.GetAsync(id))!;
        Assert.Equal(OperationState.Succeeded, op.State);
        var volume = Assert.Single(_h.Ec2.Volumes, v => v.SnapshotId == snapshot);
        Assert.Equal("us-east-1b", volume.AvailabilityZone);
        Assert.Equal(instance, volume.AttachedTo);
        Assert.Equal("/dev/sdf", volume.Device);
        Assert.Equal(id, volume.Tags[BackupTags.Operation]);
        Assert.Equal(1, _h.Ec2.CallCount("CreateVolume"));
        Assert.Equal(1, _h.Ec2.CallCount("AttachVolume"));
        var final = _h.Chat.OfKind("update")[^1];
        Assert.Equal(_h.Chat.OfKind("post")[0].Target, final.Target);
        Assert.Contains($"Volume {volume.Id} is attached to web-01 as /dev/sdf", final.Card.Title);
        Assert.Contains("Approved by bob", Text(final.Card));
    }

    [Fact]
    public async Task Restore_IsRefused_WhenRequesterApprovesOwnRequest()
    {
        var h = new CoreHarness(new AccessOptions { Approvers = ["slack:U0ALICE", "slack:U0BOB"] });
        var instance = h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var snapshot = h.Ec2.AddSnapshot(CoreHarness.Region, h.Ec2.AddVolume(CoreHarness.Region));
        await h.SendAsync($"restore {snapshot} --instance {instance}");
        var id = h.Queue.Enqueued[^1];
        await h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        var reply = await h.ClickAsync(CardActions.Approve, id, CoreHarness.Alice);

        Assert.Null(reply.UpdatedCard);
        Assert.Contains("another approver", Text(reply.PrivateMessage!));
        Assert.Equal(OperationState.AwaitingApproval, (await h.GetAsync(id))!.State);
        Assert.Single(h.Queue.Enqueued);
    }

    [Fact]
    public async Task SelfApproval_Works_WhenConfigured()
    {
        var h = new CoreHarness(new AccessOptions { Approvers = ["slack:U0ALICE"], AllowSelfApproval = true });
        var instance = h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var snapshot = h.Ec2.AddSnapshot(CoreHarness.Region, h.Ec2.AddVolume(CoreHarness.Region));
        await h.SendAsync($"restore {snapshot} --instance {instance}");
        var id = h.Queue.Enqueued[^1];
        await h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        var reply = await h.ClickAsync(CardActions.Approve, id, CoreHarness.Alice);

        Assert.NotNull(reply.UpdatedCard);
        Assert.Equal(OperationState.Queued, (await h.GetAsync(id))!.State);
    }

    [Fact]
    public async Task NonApprover_IsRefusedPrivately_AndTheCardStays()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        var before = _h.Chat.Sent.Count;

        var reply = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Dave);

        Assert.Null(reply.UpdatedCard);
        Assert.Contains("slack:U0DAVE", Text(reply.PrivateMessage!));
        Assert.Contains("Access:Approvers", Text(reply.PrivateMessage!));
        Assert.Equal(before, _h.Chat.Sent.Count);
        Assert.Equal(OperationState.AwaitingApproval, (await _h.GetAsync(id))!.State);
    }

    [Fact]
    public async Task ConcurrentApprovals_OnlyTheFirstCounts_AndWorkIsQueuedOnce()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        var queued = _h.Queue.Enqueued.Count;

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            _h.ClickAsync(i % 3 == 0 ? CardActions.Reject : CardActions.Approve, id, i % 2 == 0 ? CoreHarness.Bob : CoreHarness.Carol))));

        var winners = replies.Where(r => r.UpdatedCard is not null).ToList();
        Assert.Single(winners);
        Assert.All(replies.Where(r => r.UpdatedCard is null), r => Assert.Contains("already", Text(r.PrivateMessage!)));
        var op = (await _h.GetAsync(id))!;
        Assert.Equal(op.Approval!.Approved ? queued + 1 : queued, _h.Queue.Enqueued.Count);
    }

    [Fact]
    public async Task ReplayedApproval_ChangesNothing()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);
        await RunApprovedAsync(id);
        var enqueued = _h.Queue.Enqueued.Count;

        var replay = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);
        var other = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Carol);

        Assert.Null(replay.UpdatedCard);
        Assert.Contains("already approved by bob", Text(replay.PrivateMessage!));
        Assert.Contains("already approved by bob", Text(other.PrivateMessage!));
        Assert.Equal(enqueued, _h.Queue.Enqueued.Count);
        Assert.Equal(1, _h.Ec2.CallCount("CreateVolume"));
    }

    [Fact]
    public async Task Reject_ReplacesTheCardWithTheDecision_AndTouchesNothing()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");

        var reply = await _h.ClickAsync(CardActions.Reject, id, CoreHarness.Bob);

        Assert.Equal(OperationState.Rejected, (await _h.GetAsync(id))!.State);
        Assert.Contains("Rejected by bob", Text(reply.UpdatedCard!));
        Assert.Empty(reply.UpdatedCard!.Buttons);
        Assert.Equal(0, _h.Ec2.CallCount("CreateVolume") + _h.Ec2.CallCount("AttachVolume"));
    }

    [Fact]
    public async Task UnansweredRequest_ExpiresAfterTheTimeout_AndCanNoLongerBeApproved()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        var op = (await _h.GetAsync(id))!;
        Assert.Equal(_h.Clock.GetUtcNow() + _h.Approvals.Timeout, op.ExpiresAt);

        _h.Clock.Advance(_h.Approvals.Timeout);
        var expiry = await _h.Runner.RunStepAsync(id, op.Step, CancellationToken.None);
        var late = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);

        Assert.Same(RunResult.Done, expiry);
        Assert.Equal(OperationState.Expired, (await _h.GetAsync(id))!.State);
        Assert.StartsWith("Expired", _h.Chat.OfKind("update")[^1].Card.Title);
        Assert.Empty(_h.Chat.OfKind("update")[^1].Card.Buttons);
        Assert.Null(late.UpdatedCard);
        Assert.Equal(0, _h.Ec2.CallCount("CreateVolume"));
    }

    [Fact]
    public async Task ExpiryJob_AfterADecision_DoesNothing()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        var expiryStep = (await _h.GetAsync(id))!.Step;
        await _h.ClickAsync(CardActions.Reject, id, CoreHarness.Bob);

        _h.Clock.Advance(_h.Approvals.Timeout);
        await _h.Runner.RunStepAsync(id, expiryStep, CancellationToken.None);

        Assert.Equal(OperationState.Rejected, (await _h.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Cancel_ByTheRequester_ClosesTheRequest_AndUpdatesTheCard()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");

        var answer = await _h.SendAsync($"cancel {id}");
        var (queuedId, step) = _h.Queue.Steps[^1];
        await _h.Runner.RunStepAsync(queuedId, step, CancellationToken.None);
        var late = await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);

        Assert.Contains("cancelled", Text(answer));
        Assert.Equal(OperationState.Cancelled, (await _h.GetAsync(id))!.State);
        Assert.StartsWith("Cancelled", _h.Chat.OfKind("update")[^1].Card.Title);
        Assert.Contains("cancelled", Text(late.PrivateMessage!));
    }

    [Fact]
    public async Task DryRunRefusal_IsShownToTheRequester_AndNobodyIsAsked()
    {
        var (_, snapshot) = Seed();
        _h.Ec2.Deny("CreateVolume");

        var id = await RequestAsync($"restore {snapshot} --instance web-01");

        Assert.Empty(_h.Chat.OfKind("post"));
        var note = Assert.Single(_h.Chat.OfKind("private"));
        Assert.Equal("U0ALICE", note.Target);
        Assert.Contains("UnauthorizedOperation", Text(note.Card));
        Assert.Contains("nobody was asked", Text(note.Card));
        Assert.Equal(OperationState.Failed, (await _h.GetAsync(id))!.State);
    }

    [Fact]
    public async Task DeviceInUse_IsRefusedBeforeApproval_AndTheDefaultSkipsIt()
    {
        var (instance, snapshot) = Seed();
        _h.Ec2.Instance(instance).Devices["/dev/sdf"] = "vol-0000000000000000f";

        await RequestAsync($"restore {snapshot} --instance web-01 --device /dev/xvdf");
        var refused = Assert.Single(_h.Chat.OfKind("private"));
        await RequestAsync($"restore {snapshot} --instance web-01");
        var asked = Assert.Single(_h.Chat.OfKind("post"));

        Assert.Contains("/dev/xvdf is already in use", Text(refused.Card));
        Assert.Contains("Device: /dev/sdg", Text(asked.Card));
    }

    [Fact]
    public async Task VolumeSmallerThanTheSnapshot_IsRefusedBeforeApproval()
    {
        var (_, snapshot) = Seed(snapshotGiB: 20);

        await RequestAsync($"restore {snapshot} --instance web-01 --size 10");

        Assert.Contains("smaller than the snapshot (20 GiB)", Text(Assert.Single(_h.Chat.OfKind("private")).Card));
    }

    [Fact]
    public async Task FailedAttach_ReportsTheVolumeLeftBehind()
    {
        var (_, snapshot) = Seed();
        var id = await RequestAsync($"restore {snapshot} --instance web-01");
        await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);
        _h.Ec2.FailNext("AttachVolume", "AttachmentLimitExceeded", "The instance cannot take more volumes.");

        await RunApprovedAsync(id);

        var op = (await _h.GetAsync(id))!;
        Assert.Equal(OperationState.Failed, op.State);
        Assert.Equal("AttachmentLimitExceeded", op.Error!.Code);
        Assert.Contains($"Volume {op.Resource(ResourceKeys.VolumeId)} was created but is not attached", op.Error.Hint);
    }

    [Fact]
    public async Task NoSecondApprover_IsRefusedAtOnce()
    {
        var h = new CoreHarness(new AccessOptions { Approvers = ["slack:U0ALICE"] });

        var answer = await h.SendAsync("delete snapshot snap-0123456789abcdef0");

        Assert.Contains("Nobody can approve this", Text(answer));
        Assert.Empty(h.Queue.Enqueued);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeleteAmi_ListsTheSnapshotsThatGo_AndHonoursKeepSnapshots(bool keep)
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01 --no-reboot");
        await _h.RunToEndAsync(_h.Queue.Enqueued[^1]);
        var image = _h.Ec2.Images[0];

        var id = await RequestAsync($"delete ami {image.Id}{(keep ? " --keep-snapshots" : "")}");
        var card = _h.Chat.OfKind("post")[^1].Card;
        await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Carol);
        await RunApprovedAsync(id);

        Assert.Contains(keep ? "Snapshots kept" : "Snapshots deleted", Text(card));
        Assert.Contains(image.SnapshotIds[0], Text(card));
        Assert.Contains(keep ? "keep its snapshots" : "delete its snapshots", Text(card));
        Assert.Equal(OperationState.Succeeded, (await _h.GetAsync(id))!.State);
        Assert.True(image.Deregistered);
        Assert.Equal(keep, _h.Ec2.Snapshots.Any(s => s.Id == image.SnapshotIds[0]));
    }

    [Fact]
    public async Task DeleteSnapshot_ThatBacksAnAmi_IsRefusedNamingTheAmi()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01 --no-reboot");
        await _h.RunToEndAsync(_h.Queue.Enqueued[^1]);
        var image = _h.Ec2.Images[0];

        await RequestAsync($"delete snapshot {image.SnapshotIds[0]}");

        var note = Assert.Single(_h.Chat.OfKind("private"));
        Assert.Contains($"backs {image.Id}", Text(note.Card));
        Assert.Contains($"delete ami {image.Id}", Text(note.Card));
        Assert.Equal(0, _h.Ec2.CallCount("DeleteSnapshot"));
    }

    [Fact]
    public async Task DeleteSnapshot_WhenApproved_DeletesIt()
    {
        var (_, snapshot) = Seed();

        var id = await RequestAsync($"delete snapshot {snapshot}");
        await _h.ClickAsync(CardActions.Approve, id, CoreHarness.Bob);
        await RunApprovedAsync(id);

        Assert.Equal(OperationState.Succeeded, (await _h.GetAsync(id))!.State);
        Assert.DoesNotContain(_h.Ec2.Snapshots, s => s.Id == snapshot);
        Assert.Contains("is deleted", _h.Chat.OfKind("update")[^1].Card.Title);
    }

    [Fact]
    public async Task Copy_CreatesTheImageInTheDestination_AndTellsTheChannel()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01 --no-reboot");
        await _h.RunToEndAsync(_h.Queue.Enqueued[^1]);
        var source = _h.Ec2.Images[0];

        await _h.SendAsync($"copy {source.Id} --to us-west-2 --encrypted --kms-key alias/dr");
        var id = _h.Queue.Enqueued[^1];
        await _h.RunToEndAsync(id);

        var copy = Assert.Single(_h.Ec2.Images, i => i.Region == "us-west-2");
        Assert.True(copy.Encrypted);
        Assert.Equal("alias/dr", copy.KmsKeyId);
        Assert.Equal(id, copy.Tags[BackupTags.Operation]);
        Assert.Equal(source.Id, copy.Tags[BackupTags.Source]);
        Assert.Equal(1, _h.Ec2.CallCount("CopyImage"));
        var notice = _h.Chat.OfKind("notify")[^1];
        Assert.Contains(copy.Id, notice.Card.FallbackText);
        Assert.Contains("us-west-2", notice.Card.FallbackText);
    }

    [Fact]
    public async Task AmiWithCopyTo_TellsTheChannelOfBoth()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");

        await _h.SendAsync("ami web-01 --no-reboot --copy-to eu-west-1");
        var id = _h.Queue.Enqueued[^1];
        await _h.RunToEndAsync(id);

        var op = (await _h.GetAsync(id))!;
        Assert.Equal(OperationState.Succeeded, op.State);
        var notices = _h.Chat.OfKind("notify");
        Assert.Equal(2, notices.Count);
        Assert.Contains(op.Resource(ResourceKeys.ImageId)!, notices[0].Card.FallbackText);
        Assert.Contains(CoreHarness.Region, notices[0].Card.FallbackText);
        Assert.Contains(op.Resource(ResourceKeys.CopyImageId)!, notices[1].Card.FallbackText);
        Assert.Contains("eu-west-1", notices[1].Card.FallbackText);
    }
}
