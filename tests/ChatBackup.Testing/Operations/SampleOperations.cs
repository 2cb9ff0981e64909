using System.Collections.Immutable;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.Cancel;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.Help;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Intents.Status;
using ChatBackup.Core.Operations;

using Xunit;

namespace ChatBackup.Testing.Operations;

/// <summary>Operations with every field set, one per intent type, for round-trip tests.</summary>
public static class SampleOperations
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyDictionary<string, Intent> Intents { get; } = new Dictionary<string, Intent>
    {
        ["help"] = new HelpIntent(),
        ["ami"] = new CreateAmiIntent(new InstanceRef("web-01"), "web-01 \"before\" ✓", NoReboot: true, TargetRegion: "eu-west-1", CopyTo: "us-west-2"),
        ["snapshot"] = new CreateSnapshotIntent("vol-0123456789abcdef0", "before the upgrade", "eu-west-1"),
        ["copy"] = new CopyAmiIntent("ami-0123456789abcdef0", "us-west-2", "dr-copy", Encrypted: true, KmsKeyId: "alias/backup", TargetRegion: "eu-west-1"),
        ["restore"] = new RestoreSnapshotIntent(
            "snap-0123456789abcdef0", new InstanceRef("i-0123456789abcdef0"), "/dev/sdf", VolumeType.Io2, SizeGiB: 100, Iops: 3000, ThroughputMiBps: 250, TargetRegion: "eu-west-1"),
        ["list-amis"] = new ListAmisIntent(new InstanceRef("web-01"), "eu-west-1", 5),
        ["list-snapshots"] = new ListSnapshotsIntent("vol-0123456789abcdef0", new InstanceRef("i-0123456789abcdef0"), null, 50),
        ["status"] = new StatusIntent("op-abcdefgh"),
        ["delete-ami"] = new DeleteAmiIntent("ami-0123456789abcdef0", KeepSnapshots: true, TargetRegion: "eu-west-1"),
        ["delete-snapshot"] = new DeleteSnapshotIntent("snap-0123456789abcdef0", "eu-west-1"),
        ["cancel"] = new CancelIntent("op-abcdefgh"),
    };

    public static TheoryData<string> IntentNames => new(Intents.Keys);

    /// <summary>A plain queued operation in #ops.</summary>
    public static Operation New(
        string? requestKey = null,
        OperationState state = OperationState.Queued,
        string channel = "C0OPS",
        DateTimeOffset? createdAt = null) => new()
    {
        Id = OperationId.New(),
        Kind = OperationKind.CreateAmi,
        Intent = new CreateAmiIntent(new InstanceRef("web-01")),
        Requester = new Requester("slack", "U0ALICE", "alice"),
        Conversation = new ConversationRef("slack", channel, ResponseUrl: "https://hooks.example/1"),
        Region = "us-east-1",
        State = state,
        CreatedAt = createdAt ?? Start,
        RequestKey = requestKey,
    };

    /// <summary>Every optional field filled, with the given intent.</summary>
    public static Operation Full(Intent intent) => new()
    {
        Id = OperationId.New(),
        Kind = intent.Kind ?? OperationKind.ListAmis,
        Intent = intent,
        Requester = new Requester("teams", "00000000-0000-0000-0000-0000000000a1", "Alice Ärger"),
        Conversation = new ConversationRef(
            "teams", "19:abc@thread.tacv2", "https://hooks.example/1", "https://smba.trafficmanager.net/emea/", "tenant-1", "1700000000000", "team-1"),
        Region = "eu-west-1",
        State = OperationState.Running,

        // A non-UTC offset: the document must keep it.
        CreatedAt = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)),
        StartedAt = Start.AddSeconds(1.5),
        CompletedAt = Start.AddMinutes(10),
        RequestKey = "teams:" + Guid.NewGuid().ToString("N"),
        Resources = ImmutableDictionary<string, string>.Empty
            .Add(ResourceKeys.ImageId, "ami-0123456789abcdef0")
            .Add(ResourceKeys.SnapshotIds, "snap-1,snap-2")
            .Add(ResourceKeys.SizeGiB, "100"),
        CardMessageId = "1700000000.000100",
        CardUpdatedAt = Start.AddMinutes(1),
        CardState = OperationState.Queued,
        ProgressPercent = 42,
        Phase = "Waiting for ami-0123456789abcdef0 to be available",
        Error = new OperationError("InvalidAMIID.NotFound", "The image does not exist", "Check the id"),
        Approval = new ApprovalDecision(true, new Requester("slack", "U0BOB", "bob"), Start.AddMinutes(2)),
        ExpiresAt = Start.AddHours(1),
        NotificationSent = true,
        Step = 7,
    };

    /// <summary>Field by field, with the dictionary compared by content (records compare it by reference).</summary>
    public static void AssertSame(Operation expected, Operation actual)
    {
        Assert.Equal(expected.Resources.OrderBy(r => r.Key), actual.Resources.OrderBy(r => r.Key));
        Assert.Equal(expected, actual with { Resources = expected.Resources });
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
    }
}
