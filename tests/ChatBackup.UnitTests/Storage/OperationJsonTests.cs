using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Intents.Status;
using ChatBackup.Core.Operations;
using ChatBackup.Storage;
using ChatBackup.Testing.Operations;

namespace ChatBackup.UnitTests.Storage;

public sealed class OperationJsonTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<Intent> AllIntents()
    {
        var intents = new TheoryData<Intent>();
        foreach (var intent in SampleOperations.Intents.Values.Append(new StatusIntent()))
        {
            intents.Add(intent);
        }

        return intents;
    }

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

        SampleOperations.AssertSame(operation, back);
    }

    [Theory]
    [MemberData(nameof(AllIntents))]
    public void Operation_RoundTrips_WhenTheDatabaseReordersKeys(Intent intent)
    {
        var operation = Full(intent);

        // jsonb returns keys shortest first, so "verb" need not lead the intent object.
        var back = OperationJson.Deserialize(Reorder(JsonNode.Parse(OperationJson.Serialize(operation))!).ToJsonString());

        SampleOperations.AssertSame(operation, back);
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
