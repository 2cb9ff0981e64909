using System.Collections.Immutable;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Operations;

namespace ChatBackup.UnitTests.Teams;

/// <summary>Every kind of card the core produces, with fixed data and times so renderings are stable.</summary>
public static class SampleCards
{
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Requester Ada = new("teams", "6f2e8e4a-1111-4a4a-9c9c-000000000001", "Ada Lovelace");

    public static IReadOnlyDictionary<string, Card> All() => new Dictionary<string, Card>
    {
        ["help"] = MessageCards.Help(),
        ["error"] = MessageCards.Error(new CommandError("Unknown instance 'web-9'.", Usage.Ami)),
        ["progress"] = OperationCards.Progress(AmiOperation(OperationState.Running) with { ProgressPercent = 40, Phase = "Waiting for ami-0123456789abcdef0 to be available" }, Now),
        ["succeeded"] = OperationCards.Succeeded(AmiOperation(OperationState.Succeeded) with { CompletedAt = Now }),
        ["failed"] = OperationCards.Failed(AmiOperation(OperationState.Failed) with { Error = new OperationError("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist", "Check the id.") }, Now),
        ["list-amis"] = MessageCards.Amis("eu-west-1", Images(3), Now),
        ["list-snapshots"] = MessageCards.Snapshots("eu-west-1", Snapshots(3), Now),
        ["status-list"] = MessageCards.StatusList([AmiOperation(OperationState.Running), AmiOperation(OperationState.Succeeded) with { Id = "op-bbbbbbbb" }], Now),
        ["approval"] = Approval(),
    };

    public static Operation AmiOperation(OperationState state) => new()
    {
        Id = "op-aaaaaaaa",
        Kind = OperationKind.CreateAmi,
        Intent = new CreateAmiIntent(new InstanceRef("web-01"), NoReboot: true),
        Requester = Ada,
        Conversation = new ConversationRef("teams", "19:abc@thread.tacv2", ServiceUrl: "https://smba.trafficmanager.net/emea/"),
        Region = "eu-west-1",
        State = state,
        CreatedAt = Now.AddMinutes(-7),
        StartedAt = Now.AddMinutes(-6),
        Resources = ImmutableDictionary<string, string>.Empty
            .Add(ResourceKeys.InstanceId, "i-0123456789abcdef0")
            .Add(ResourceKeys.InstanceName, "web-01")
            .Add(ResourceKeys.ImageId, "ami-0123456789abcdef0")
            .Add(ResourceKeys.ImageName, "web-01-20260102-025805"),
    };

    /// <summary>An approval request as the core will show it: facts, then Approve/Reject with a confirmation.</summary>
    public static Card Approval() => new(
        "Restore snap-0123456789abcdef0 to web-01?",
        CardTone.Warning,
        [
            new TextBlock("Ada Lovelace asks to restore a snapshot as a new volume and attach it."),
            new FactsBlock(
            [
                new Fact("Snapshot", "snap-0123456789abcdef0 (100 GiB, 3 days old, encrypted)"),
                new Fact("Instance", "web-01 (i-0123456789abcdef0, running, eu-west-1a)"),
                new Fact("Device", "/dev/sdf"),
                new Fact("Requested by", "Ada Lovelace"),
                new Fact("Expires", "2026-01-02 04:04 UTC"),
            ]),
            new DividerBlock(),
            new ContextBlock("op-cccccccc · restore needs a second person"),
        ],
        "Restore snap-0123456789abcdef0 to web-01 needs approval",
        [
            new CardButton(CardActions.Approve, "Approve", "op-cccccccc", ButtonStyle.Primary, new ConfirmDialog("Restore the volume?", "A new volume will be created and attached to web-01.", "Restore", "Back")),
            new CardButton(CardActions.Reject, "Reject", "op-cccccccc", ButtonStyle.Danger),
        ]);

    public static IReadOnlyList<Ec2Image> Images(int count) =>
        Enumerable.Range(0, count)
            .Select(i => new Ec2Image(
                $"ami-{i:x17}",
                $"web-01-20260101-{i:D6}",
                ImageState.Available,
                Now.AddHours(-i - 1),
                null,
                [$"snap-{i:x17}"],
                new Dictionary<string, string> { [BackupTags.Source] = "i-0123456789abcdef0" }))
            .ToList();

    public static IReadOnlyList<Ec2Snapshot> Snapshots(int count) =>
        Enumerable.Range(0, count)
            .Select(i => new Ec2Snapshot($"snap-{i:x17}", "vol-0123456789abcdef0", i == 0 ? SnapshotState.Pending : SnapshotState.Completed, i == 0 ? 55 : 100, 100, Now.AddHours(-i - 1), "nightly", true, new Dictionary<string, string>()))
            .ToList();
}
