using ChatBackup.Core.Cards;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;

namespace ChatBackup.UnitTests.Core;

public sealed class CommandServiceTests
{
    private readonly CoreHarness _h = new();

    private static string Text(Card card) => string.Join("\n", card.Blocks.OfType<TextBlock>().Select(t => t.Text));

    [Fact]
    public async Task Ami_ByNameTag_IsAccepted_WithTheResolvedInstanceRecorded()
    {
        var instance = _h.Ec2.AddInstance(CoreHarness.Region, "web-01");

        var answer = await _h.SendAsync("ami web-01 --no-reboot");

        var id = Assert.Single(_h.Queue.Enqueued);
        Assert.Contains(id, answer.FallbackText);
        var op = await _h.Store.GetAsync(id, CancellationToken.None);
        Assert.Equal(instance, op!.Resource(ResourceKeys.InstanceId));
        Assert.Equal(OperationState.Queued, op.State);
        Assert.Equal(0, _h.Ec2.CallCount("CreateImage"));
    }

    [Fact]
    public async Task Ami_WithAmbiguousName_ListsTheMatches_AndCreatesNothing()
    {
        var a = _h.Ec2.AddInstance(CoreHarness.Region, "web");
        var b = _h.Ec2.AddInstance(CoreHarness.Region, "web", state: "stopped");

        var answer = await _h.SendAsync("ami web");

        Assert.Equal(CardTone.Warning, answer.Tone);
        Assert.Contains(a, Text(answer));
        Assert.Contains($"{b} (stopped)", Text(answer));
        Assert.Empty(_h.Queue.Enqueued);
        Assert.Empty(await _h.Store.ListRecentAsync("slack", "C0OPS", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Ami_WithUnknownInstance_SaysSoInTheRegion()
    {
        var answer = await _h.SendAsync("ami i-0123456789abcdef0");

        Assert.Contains("i-0123456789abcdef0 was not found in us-east-1", Text(answer));
        Assert.Empty(_h.Queue.Enqueued);
    }

    [Fact]
    public async Task Snapshot_OfMissingVolume_IsRefusedAtOnce()
    {
        var answer = await _h.SendAsync("snapshot vol-0123456789abcdef0");

        Assert.Contains("vol-0123456789abcdef0 was not found", Text(answer));
        Assert.Empty(_h.Queue.Enqueued);
    }

    [Fact]
    public async Task RetriedRequest_WithTheSameKey_CreatesOneOperation()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");

        var first = await _h.SendAsync("ami web-01", requestKey: "slack:T1:trigger-1");
        var second = await _h.SendAsync("ami web-01", requestKey: "slack:T1:trigger-1");

        var id = Assert.Single(_h.Queue.Enqueued);
        Assert.Contains(id, first.FallbackText);
        Assert.Contains(id, second.FallbackText);
    }

    [Fact]
    public async Task UserNotInRequesters_IsRefused_NamingTheKeyToAdd()
    {
        var h = new CoreHarness(new AccessOptions { Requesters = ["slack:U0BOB"] });
        h.Ec2.AddInstance(CoreHarness.Region, "web-01");

        var answer = await h.SendAsync("ami web-01");

        Assert.Contains("slack:U0ALICE", Text(answer));
        Assert.Contains("Access:Requesters", Text(answer));
        Assert.Empty(h.Queue.Enqueued);
        Assert.Equal(0, h.Ec2.Calls.Values.Sum());
    }

    [Fact]
    public async Task BadInput_IsAnsweredWithTheProblemAndUsage_AndTouchesNothing()
    {
        var answer = await _h.SendAsync("ami");

        Assert.Equal(CardTone.Warning, answer.Tone);
        Assert.Contains(answer.Blocks.OfType<TextBlock>(), t => t.Style == TextStyle.Monospace && t.Text.Contains("ami <instance>", StringComparison.Ordinal));
        Assert.Empty(_h.Queue.Enqueued);
        Assert.Equal(0, _h.Ec2.Calls.Values.Sum());
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var answer = await _h.SendAsync("help");

        var usage = answer.Blocks.OfType<TextBlock>().Where(t => t.Style == TextStyle.Monospace).Select(t => t.Text).ToList();
        foreach (var verb in new[] { "help", "ami ", "snapshot ", "copy ", "restore ", "list amis", "list snapshots", "status", "delete ami", "delete snapshot", "cancel " })
        {
            Assert.Contains(usage, u => u.StartsWith(verb, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Status_ListsThisChannelsOperations_NewestFirst_WithoutListings()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        var volume = _h.Ec2.AddVolume(CoreHarness.Region);
        await _h.SendAsync("ami web-01");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        await _h.SendAsync($"snapshot {volume}");
        await _h.SendAsync("list amis");

        var answer = await _h.SendAsync("status");

        var rows = Assert.Single(answer.Blocks.OfType<TableBlock>()).Rows;
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("Snapshot of", rows[0][1]);
        Assert.StartsWith("AMI of web-01", rows[1][1]);
    }

    [Fact]
    public async Task StatusOfOneOperation_ShowsItsCard()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01");
        var id = _h.Queue.Enqueued[0];

        var answer = await _h.SendAsync($"status {id}");

        Assert.Contains(answer.Blocks.OfType<ContextBlock>(), c => c.Text.Contains(id, StringComparison.Ordinal));
        Assert.Empty(answer.Buttons);
    }

    [Fact]
    public async Task Cancel_OfAnOperationThatIsRunning_IsRefused()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01");
        var id = _h.Queue.Enqueued[0];

        var answer = await _h.SendAsync($"cancel {id}");

        Assert.Contains("can no longer be cancelled", Text(answer));
    }

    [Fact]
    public async Task Cancel_BySomeoneElse_IsRefused()
    {
        _h.Ec2.AddInstance(CoreHarness.Region, "web-01");
        await _h.SendAsync("ami web-01");
        var id = _h.Queue.Enqueued[0];

        var answer = await _h.SendAsync($"cancel {id}", new("slack", "U0BOB", "bob"));

        Assert.Contains("Only alice", Text(answer));
    }
}
