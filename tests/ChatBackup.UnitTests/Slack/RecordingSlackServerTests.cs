using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatBackup.Testing.Slack;

namespace ChatBackup.UnitTests.Slack;

/// <summary>The fake Slack's history methods behave as Slack documents them, so tests that rely on them mean something.</summary>
public sealed class RecordingSlackServerTests : IAsyncLifetime
{
    private static readonly JsonNode Mark = JsonNode.Parse("""{"event_type":"chatbackup_message","event_payload":{"operation_id":"op-1","purpose":"card"}}""")!;
    private RecordingSlackServer _slack = null!;

    public async Task InitializeAsync() => _slack = await RecordingSlackServer.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task History_ShowsTopLevelMessagesAndBroadcastReplies_NewestFirst()
    {
        var parent = await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "card" });
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "quiet reply", ["thread_ts"] = parent });
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "broadcast", ["thread_ts"] = parent, ["reply_broadcast"] = true });
        await PostAsync(new JsonObject { ["channel"] = "C2", ["text"] = "elsewhere" });

        var history = await ReadAsync("conversations.history", new() { ["channel"] = "C1" });

        Assert.Equal(["broadcast", "card"], Texts(history));
        Assert.Equal("thread_broadcast", history["messages"]![0]!["subtype"]!.ToString());
    }

    [Fact]
    public async Task Replies_AreTheThreadOldestFirst_AndUnknownThreadsAreNotFound()
    {
        var parent = await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "card" });
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "one", ["thread_ts"] = parent });
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "two", ["thread_ts"] = parent, ["reply_broadcast"] = true });
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "not in the thread" });

        Assert.Equal(["card", "one", "two"], Texts(await ReadAsync("conversations.replies", new() { ["channel"] = "C1", ["ts"] = parent })));
        Assert.Equal("thread_not_found", (await ReadAsync("conversations.replies", new() { ["channel"] = "C1", ["ts"] = "1.000001" }))["error"]!.ToString());
    }

    [Fact]
    public async Task Metadata_IsServedOnlyWhenAskedForWithIncludeAllMetadata()
    {
        await PostAsync(new JsonObject { ["channel"] = "C1", ["text"] = "card", ["metadata"] = Mark.DeepClone() });

        var without = await ReadAsync("conversations.history", new() { ["channel"] = "C1" });
        var with = await ReadAsync("conversations.history", new() { ["channel"] = "C1", ["include_all_metadata"] = "true" });

        Assert.Null(without["messages"]![0]!["metadata"]);
        Assert.Equal(Mark.ToJsonString(), with["messages"]![0]!["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task OldestIsExclusiveUnlessInclusive_LimitIsCappedAt15_AndCursorsPage()
    {
        for (var i = 1; i <= 20; i++)
        {
            _slack.AddMessage("C1", $"1700000000.{i:D6}", $"m{i}");
        }

        Assert.Equal(9, Texts(await ReadAsync("conversations.history", new() { ["channel"] = "C1", ["oldest"] = "1700000000.000011" })).Count);
        Assert.Equal(10, Texts(await ReadAsync("conversations.history", new() { ["channel"] = "C1", ["oldest"] = "1700000000.000011", ["inclusive"] = "true" })).Count);

        var first = await ReadAsync("conversations.history", new() { ["channel"] = "C1", ["limit"] = "100" });
        Assert.Equal(RecordingSlackServer.MaxHistoryPage, Texts(first).Count);
        Assert.True(first["has_more"]!.GetValue<bool>());
        var cursor = first["response_metadata"]!["next_cursor"]!.ToString();

        var second = await ReadAsync("conversations.history", new() { ["channel"] = "C1", ["limit"] = "100", ["cursor"] = cursor });
        Assert.Equal(["m5", "m4", "m3", "m2", "m1"], Texts(second));
        Assert.False(second["has_more"]!.GetValue<bool>());
        Assert.Equal("", second["response_metadata"]!["next_cursor"]!.ToString());
    }

    [Fact]
    public async Task MissingScopeNext_AnswersWithNeededAndProvided()
    {
        _slack.MissingScopeNext("conversations.history", "groups:history");

        var answer = await ReadAsync("conversations.history", new() { ["channel"] = "G1" });

        Assert.Equal("missing_scope", answer["error"]!.ToString());
        Assert.Equal("groups:history", answer["needed"]!.ToString());
        Assert.Equal("missing_scope", Assert.Single(_slack.Calls).Error);
    }

    private async Task<string> PostAsync(JsonObject body)
    {
        using var response = await _slack.ApiHttpClient.PostAsJsonAsync("chat.postMessage", body);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["ts"]!.ToString();
    }

    private async Task<JsonObject> ReadAsync(string method, Dictionary<string, string> form)
    {
        using var response = await _slack.ApiHttpClient.PostAsync(method, new FormUrlEncodedContent(form));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static List<string> Texts(JsonObject answer) =>
        answer["messages"]!.AsArray().Select(m => m!["text"]!.ToString()).ToList();
}
