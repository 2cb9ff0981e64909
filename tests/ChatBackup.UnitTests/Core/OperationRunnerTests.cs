using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;

namespace ChatBackup.UnitTests.Core;

public sealed class OperationRunnerTests
{
    private readonly CoreHarness _h = new();

    private async Task<string> AcceptAsync(string text)
    {
        await _h.SendAsync(text);
        return Assert.Single(_h.Queue.Enqueued);
    }

    [Fact]
    public async Task Ami_PostsOneCard_UpdatesItWithRisingProgress_AndTellsTheChannelOnce()
    {
        _h.Ec2.PendingPolls = 4;
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01 --no-reboot");

        await _h.RunToEndAsync(id);

        var posts = _h.Chat.OfKind("post");
        var card = Assert.Single(posts);
        var updates = _h.Chat.OfKind("update");
        Assert.All(updates, u => Assert.Equal(card.Target, u.Target));
        var progress = updates.SelectMany(u => u.Card.Blocks.OfType<ProgressBlock>()).Select(p => p.Percent).ToList();
        Assert.True(progress.Count >= 3, $"expected several progress updates, got {progress.Count}");
        Assert.Equal(progress.OrderBy(p => p), progress);
        Assert.Contains(progress, p => p > 0 && p < 100);

        var op = await _h.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(OperationState.Succeeded, op!.State);
        var image = Assert.Single(_h.Ec2.Images);
        Assert.True(image.NoReboot);
        Assert.Equal(instance, image.InstanceId);
        Assert.StartsWith("web-01-20261126-", image.Name);
        Assert.Contains("is available", updates[^1].Card.Title);

        var notification = Assert.Single(_h.Chat.OfKind("notify"));
        Assert.Equal(card.Target, notification.Target);
        Assert.Contains(image.Id, notification.Card.FallbackText);
        Assert.Contains(CoreHarness.Region, notification.Card.FallbackText);
        Assert.Contains("alice", notification.Card.FallbackText);
    }

    [Fact]
    public async Task Ami_TagsImageAndItsSnapshots_WithOperationSourceRequesterAndChannel()
    {
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.RunToEndAsync(id);

        var image = Assert.Single(_h.Ec2.Images);
        foreach (var tags in _h.Ec2.Snapshots.Select(s => s.Tags).Append(image.Tags))
        {
            Assert.Equal(id, tags[BackupTags.Operation]);
            Assert.Equal(instance, tags[BackupTags.Source]);
            Assert.Equal("slack:U0ALICE", tags[BackupTags.RequestedBy]);
            Assert.Equal("slack:C0OPS", tags[BackupTags.Channel]);
            Assert.Equal(image.Name, tags[BackupTags.Name]);
        }
    }

    [Fact]
    public async Task Ami_WithReboot_CardSaysTheInstanceWillReboot()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        var card = Assert.Single(_h.Chat.OfKind("post")).Card;
        Assert.Contains(card.Blocks.OfType<TextBlock>(), t => t.Text.Contains("reboots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SameStepRunTwice_CreatesOneImage_AndLeavesTheWaitToThePoller()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        var first = await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        var retry = await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        Assert.Equal(1, _h.Ec2.CallCount("CreateImage"));
        Assert.Same(RunResult.Watching, first);
        Assert.Same(RunResult.Watching, retry);
        var op = (await _h.GetAsync(id))!;
        Assert.Equal(ChatBackup.Core.Waiting.ResourceRef.Image(CoreHarness.Region, op.Resource(ResourceKeys.ImageId)!), op.Watching);
        Assert.Single(_h.Chat.OfKind("post"));
    }

    [Fact]
    public async Task StaleJob_FromAnOlderStep_DoesNothing()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");
        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        await _h.Runner.RunStepAsync(id, 1, CancellationToken.None);
        var calls = _h.Ec2.Calls.Values.Sum();

        var stale = await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        Assert.Same(RunResult.Done, stale);
        Assert.Equal(calls, _h.Ec2.Calls.Values.Sum());
    }

    [Fact]
    public async Task ImageCreatedBeforeACrash_IsFoundByItsTag_NotCreatedAgain()
    {
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");
        var op = (await _h.GetAsync(id))!;

        // An earlier attempt recorded that it was creating, created the image, then died before saving.
        var attempted = await _h.Store.TryUpdateAsync(op with { State = OperationState.Running, StepAttempts = 1 }, CancellationToken.None);
        await _h.Ec2.CreateImageAsync(CoreHarness.Region, new CreateImageRequest(instance, "web-01-before-crash", null, false, BackupTagging.For(op, "web-01-before-crash", instance)), CancellationToken.None);
        await _h.RunToEndAsync(id);

        Assert.NotNull(attempted);
        Assert.Equal(1, _h.Ec2.CallCount("CreateImage"));
        var done = await _h.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(_h.Ec2.Images[0].Id, done!.Resource(ResourceKeys.ImageId));
    }

    [Fact]
    public async Task FirstAttempt_CreatesWithoutALookUp()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);

        Assert.Equal(1, _h.Ec2.CallCount("CreateImage"));
        Assert.Equal(0, _h.Ec2.CallCount("DescribeImages"));
        Assert.Equal(0, (await _h.GetAsync(id))!.StepAttempts);
    }

    [Fact]
    public async Task Throttling_SlowsThePollerDown_ButDoesNotFailTheOperation()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");
        await _h.Runner.RunStepAsync(id, 0, CancellationToken.None);
        _h.Ec2.FailNext("DescribeImages", "RequestLimitExceeded", "Request limit exceeded.", Ec2FaultKind.Throttled);

        _h.Clock.Advance(_h.Poller.NextDelay);
        var throttled = await _h.Poller.TickAsync(CancellationToken.None);

        Assert.Equal(0, throttled.StepsQueued);
        Assert.Equal(_h.Options.PollInterval * 2, _h.Poller.NextDelay);
        Assert.Equal(OperationState.Running, (await _h.GetAsync(id))!.State);
        await _h.RunToEndAsync(id);
        Assert.Equal(OperationState.Succeeded, (await _h.GetAsync(id))!.State);
        Assert.Equal(_h.Options.PollInterval, _h.Poller.NextDelay);
    }

    [Fact]
    public async Task FailedImage_CardShowsEc2StateReason()
    {
        _h.Ec2.FinalImageState = ImageState.Failed;
        _h.Ec2.FinalStateReason = new Ec2StateReason("Server.InternalError", "Internal error while creating the image");
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.RunToEndAsync(id);

        var last = _h.Chat.OfKind("update")[^1].Card;
        Assert.Equal(CardTone.Danger, last.Tone);
        Assert.Contains(last.Blocks.OfType<TextBlock>(), t => t.Text == "Server.InternalError: Internal error while creating the image");
        Assert.Empty(_h.Chat.OfKind("notify"));
    }

    [Fact]
    public async Task CreateImageRefused_ShowsEc2CodeAndWhatToDo()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        _h.Ec2.FailNext("CreateImage", "UnauthorizedOperation", "You are not authorized to perform this operation.", Ec2FaultKind.Unauthorized);
        var id = await AcceptAsync("ami web-01");

        await _h.RunToEndAsync(id);

        var op = await _h.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(OperationState.Failed, op!.State);
        Assert.Equal("UnauthorizedOperation", op.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(op.Error.Hint));
        // The step failed before the card was first sent, so the card is posted already showing the failure.
        Assert.Contains("UnauthorizedOperation", _h.Chat.Sent.Last(m => m.Kind is "post" or "update").Card.FallbackText);
    }

    [Fact]
    public async Task WaitCeiling_ReportsFailureWithWhatIsKnown()
    {
        _h.Ec2.PendingPolls = 1000;
        _h.Options.WaitCeiling = TimeSpan.FromMinutes(2);
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.RunToEndAsync(id);

        var op = await _h.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(OperationState.Failed, op!.State);
        Assert.Equal("WaitCeilingReached", op.Error!.Code);
        Assert.Contains(op.Resource(ResourceKeys.ImageId)!, _h.Chat.OfKind("update")[^1].Card.Blocks.OfType<FactsBlock>().SelectMany(f => f.Facts).Select(f => f.Value));
    }

    [Fact]
    public async Task CardUpdates_AreThrottled_ButStateChangesAlwaysShow()
    {
        _h.Options.CardUpdateInterval = TimeSpan.FromMinutes(5);
        _h.Ec2.PendingPolls = 6;
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var id = await AcceptAsync("ami web-01");

        await _h.RunToEndAsync(id);

        // 15 s polls for ~7 steps: at most one progress update inside 5 minutes, plus the final state.
        var updates = _h.Chat.OfKind("update");
        Assert.InRange(updates.Count, 1, 2);
        Assert.Equal(CardTone.Success, updates[^1].Card.Tone);
    }

    [Fact]
    public async Task Snapshot_ReportsProgressAndSize_WhenCompleted()
    {
        var volume = _h.Ec2.AddVolume(CoreHarness.Region, 20);
        var id = await AcceptAsync($"snapshot {volume} --description \"before upgrade\"");

        await _h.RunToEndAsync(id);

        var snapshot = Assert.Single(_h.Ec2.Snapshots);
        Assert.Equal(volume, snapshot.Tags[BackupTags.Source]);
        var last = _h.Chat.OfKind("update")[^1].Card;
        Assert.Contains(snapshot.Id, last.Title);
        Assert.Contains(last.Blocks.OfType<FactsBlock>().SelectMany(f => f.Facts), f => f is { Label: "Size", Value: "20 GiB" });
        Assert.Empty(_h.Chat.OfKind("notify"));
    }

    [Fact]
    public async Task ListAmis_RepliesPrivately_WithoutACard()
    {
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var ami = await AcceptAsync("ami web-01");
        await _h.RunToEndAsync(ami);
        _h.Queue.Enqueued.Clear();
        var list = await AcceptAsync("list amis --instance web-01");

        await _h.RunToEndAsync(list);

        var reply = Assert.Single(_h.Chat.OfKind("private"));
        var table = Assert.Single(reply.Card.Blocks.OfType<TableBlock>());
        var row = Assert.Single(table.Rows);
        Assert.Equal(_h.Ec2.Images[0].Id, row[0]);
        Assert.Equal(instance, row[4]);
        Assert.Single(_h.Chat.OfKind("post"));
    }
}
