using System.Collections.Immutable;
using System.Text.Json;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Operations;

namespace ChatBackup.UnitTests.Teams;

/// <summary>
/// The cards shown in docs/screenshots.md, built from the core card models exactly as the bot
/// builds them and rendered by the production <c>AdaptiveCardRenderer</c>. With
/// <c>CHATBACKUP_WRITE_CARDS=&lt;dir&gt;</c> the test writes each card's JSON to that folder, which
/// <c>scripts/screenshots.sh</c> then renders with the official adaptivecards library in Chromium.
/// </summary>
public sealed class ScreenshotCards
{
    private static readonly DateTimeOffset Now = SampleCards.Now;

    private static readonly Requester Grace = new("teams", "6f2e8e4a-1111-4a4a-9c9c-000000000002", "Grace Hopper");

    public static IReadOnlyDictionary<string, Card> All() => new Dictionary<string, Card>
    {
        ["card-ami-progress"] = OperationCards.Progress(
            SampleCards.AmiOperation(OperationState.Running) with { ProgressPercent = 45, Phase = "Waiting for ami-0123456789abcdef0 to be available" },
            Now),
        ["card-ami-succeeded"] = OperationCards.Succeeded(SampleCards.AmiOperation(OperationState.Succeeded) with { CompletedAt = Now }),
        ["card-restore-approval"] = ApprovalCards.Request(Restore(OperationState.AwaitingApproval), Now),
        ["card-restore-approved"] = OperationCards.Progress(
            Restore(OperationState.Running) with
            {
                Approval = new ApprovalDecision(true, Grace, Now.AddMinutes(-1)),
                StartedAt = Now.AddMinutes(-1),
                ProgressPercent = 10,
                Phase = "Creating volume vol-0fedcba9876543210",
                Resources = Restore(OperationState.Running).Resources.Add(ResourceKeys.VolumeId, "vol-0fedcba9876543210"),
            },
            Now),
        ["card-ami-failed"] = OperationCards.Failed(
            SampleCards.AmiOperation(OperationState.Failed) with
            {
                ProgressPercent = 0,
                Resources = SampleCards.AmiOperation(OperationState.Failed).Resources.Remove(ResourceKeys.ImageId).Remove(ResourceKeys.ImageName),
                CompletedAt = Now.AddMinutes(-5),
                Error = new OperationError("UnauthorizedOperation", "You are not authorized to perform this operation (ec2:CreateImage).", "Give the bot's role ec2:CreateImage (see manifests/aws/iam-policy.json), then run the command again."),
            },
            Now),
        ["card-help"] = MessageCards.Help(),
    };

    /// <summary>A restore as <see cref="RestoreSnapshotHandler"/> leaves it after its pre-checks.</summary>
    private static Operation Restore(OperationState state) => SampleCards.AmiOperation(state) with
    {
        Id = "op-cccccccc",
        Kind = OperationKind.RestoreSnapshot,
        Intent = new RestoreSnapshotIntent("snap-0123456789abcdef0", new InstanceRef("web-01")),
        CreatedAt = Now.AddMinutes(-2),
        StartedAt = null,
        ExpiresAt = Now.AddMinutes(58),
        Resources = ImmutableDictionary<string, string>.Empty
            .Add(ResourceKeys.InstanceId, "i-0123456789abcdef0")
            .Add(ResourceKeys.InstanceName, "web-01")
            .Add(ResourceKeys.SnapshotId, "snap-0123456789abcdef0")
            .Add(ResourceKeys.AvailabilityZone, "eu-west-1a")
            .Add(ResourceKeys.SizeGiB, "100")
            .Add(ResourceKeys.VolumeType, "gp3")
            .Add(ResourceKeys.Device, "/dev/sdf"),
        Facts =
        [
            new Fact("Snapshot", "snap-0123456789abcdef0 (100 GiB, taken 3h 12m ago)"),
            new Fact("Source volume", "vol-0a1b2c3d4e5f60718"),
            new Fact("Encrypted", "yes"),
            new Fact("Instance", "web-01 (i-0123456789abcdef0), running, eu-west-1a"),
            new Fact("New volume", "gp3, 100 GiB, in eu-west-1a"),
            new Fact("Device", "/dev/sdf"),
            new Fact("Permission check", "CreateVolume allowed, AttachVolume allowed (EC2 DryRun)"),
        ],
    };

    [Fact]
    public void EveryScreenshotCard_Renders_AndIsWrittenWhenAsked()
    {
        var folder = Environment.GetEnvironmentVariable("CHATBACKUP_WRITE_CARDS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        foreach (var (name, card) in All())
        {
            var json = JsonSerializer.Serialize(AdaptiveCardRendererTests.Renderer.Render(card), ChatBackup.Teams.Activities.BotJson.Options);
            Assert.Contains("\"AdaptiveCard\"", json);
            if (!string.IsNullOrEmpty(folder))
            {
                File.WriteAllText(Path.Combine(folder, name + ".json"), json);
            }
        }
    }
}
