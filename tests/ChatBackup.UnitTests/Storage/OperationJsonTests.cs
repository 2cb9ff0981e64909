using System.Collections.Immutable;
using System.Text.Json.Nodes;
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
using ChatBackup.Storage;

namespace ChatBackup.UnitTests.Storage;

public sealed class OperationJsonTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<Intent> AllIntents() =>
    [
        new HelpIntent(),
        new CreateAmiIntent(new InstanceRef("web-01"), "web-01 \"before\" ✓", NoReboot: true, TargetRegion: "eu-west-1", CopyTo: "us-west-2"),
        new CreateSnapshotIntent("vol-0123456789abcdef0", "before the upgrade", "eu-west-1"),
        new CopyAmiIntent("ami-0123456789abcdef0", "us-west-2", "dr", Encrypted: true, KmsKeyId: "alias/backup", TargetRegion: "eu-west-1"),
        new RestoreSnapshotIntent("snap-0123456789abcdef0", new InstanceRef("i-0123456789abcdef0"), "/dev/sdf", VolumeType.Io2, 100, 3000, 250, "eu-west-1"),
        new ListAmisIntent(new InstanceRef("web-01"), "eu-west-1", 5),
        new ListSnapshotsIntent("vol-0123456789abcdef0", null, null, 50),
        new StatusIntent("op-abcdefgh"),
        new StatusIntent(),
        new DeleteAmiIntent("ami-0123456789abcdef0", KeepSnapshots: true),
        new DeleteSnapshotIntent("snap-0123456789abcdef0", "eu-west-1"),
        new CancelIntent("op-abcdefgh"),
    ];

    [Fact]
    public void EveryIntentType_IsCovered()
    {
        var covered = AllIntents().Cast<object[]>().Select(row => row[0].GetType()).ToHashSet();
        var declared = typeof(Intent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Intent)) && !t.IsAbstract);

        Assert.All(declared, t => Assert.Contains(t, covered));
    }

    [Theory]
    [MemberData(nameof(AllIntents))]
    public void Operation_RoundTrips_WithEveryField(Intent intent)
    {
        var operation = Full(intent);

        var back = OperationJson.Deserialize(OperationJson.Serialize(operation));

        AssertSame(operation, back);
    }

    [Theory]
    [MemberData(nameof(AllIntents))]
    public void Operation_RoundTrips_WhenTheDatabaseReordersKeys(Intent intent)
    {
        var operation = Full(intent);

        // jsonb returns keys shortest first, so "verb" need not lead the intent object.
        var back = OperationJson.Deserialize(Reorder(JsonNode.Parse(OperationJson.Serialize(operation))!).ToJsonString());

        AssertSame(operation, back);
    }

    [Fact]
    public void Enums_AreStoredByName()
    {
        var json = JsonNode.Parse(OperationJson.Serialize(Full(new RestoreSnapshotIntent("snap-1", new InstanceRef("i-1"), VolumeType: VolumeType.Gp3))))!;

        Assert.Equal("Running", json["state"]!.GetValue<string>());
        Assert.Equal("CreateAmi", json["kind"]!.GetValue<string>());
        Assert.Equal("restore", json["intent"]!["verb"]!.GetValue<string>());
        Assert.Equal("Gp3", json["intent"]!["volumeType"]!.GetValue<string>());
    }

    private static JsonNode Reorder(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key.Length)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Reorder(p.Value.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(i => i is null ? null : Reorder(i.DeepClone())).ToArray()),
        _ => node.DeepClone(),
    };

    private static void AssertSame(Operation expected, Operation actual)
    {
        Assert.Equal(expected.Resources.OrderBy(r => r.Key), actual.Resources.OrderBy(r => r.Key));
        Assert.Equal(expected, actual with { Resources = expected.Resources });
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
    }

    private static Operation Full(Intent intent) => new()
    {
        Id = "op-abcdefgh",
        Kind = OperationKind.CreateAmi,
        Intent = intent,
        Requester = new Requester("teams", "00000000-0000-0000-0000-0000000000a1", "Alice Ärger"),
        Conversation = new ConversationRef("teams", "19:abc@thread.tacv2", "https://hooks.example/1", "https://smba.example/", "tenant", "1700", "team"),
        Region = "eu-west-1",
        State = OperationState.Running,
        CreatedAt = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)),
        UpdatedAt = Start.AddTicks(1234567),
        StartedAt = Start.AddSeconds(1),
        CompletedAt = Start.AddMinutes(10),
        RequestKey = "teams:activity-1",
        Resources = ImmutableDictionary<string, string>.Empty.Add(ResourceKeys.ImageId, "ami-1").Add(ResourceKeys.SnapshotIds, "snap-1,snap-2"),
        CardMessageId = "1700000000.000100",
        CardUpdatedAt = Start.AddMinutes(1),
        CardState = OperationState.Queued,
        ProgressPercent = 42,
        Phase = "Waiting",
        Error = new OperationError("Code", "Message", "Hint"),
        Approval = new ApprovalDecision(false, new Requester("slack", "U0BOB", "bob"), Start.AddMinutes(2)),
        ExpiresAt = Start.AddHours(1),
        NotificationSent = true,
        Step = 7,
        Version = 3,
    };
}
