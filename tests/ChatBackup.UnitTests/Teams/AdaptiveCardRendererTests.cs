using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.AdaptiveCards;
using Microsoft.Extensions.Logging.Abstractions;
using CoreText = ChatBackup.Core.Cards.TextBlock;

namespace ChatBackup.UnitTests.Teams;

public sealed class AdaptiveCardRendererTests
{
    internal static readonly AdaptiveCardRenderer Renderer = new(NullLogger<AdaptiveCardRenderer>.Instance);

    public static TheoryData<string> CardNames() => new(SampleCards.All().Keys);

    internal static JsonObject Json(Card card) =>
        JsonNode.Parse(JsonSerializer.Serialize(Renderer.Render(card), BotJson.Options))!.AsObject();

    private static string GoldenDirectory([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Golden");

    /// <summary>Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.</summary>
    [Theory]
    [MemberData(nameof(CardNames))]
    public void Rendering_MatchesGoldenFile(string name)
    {
        var actual = Json(SampleCards.All()[name]);
        var file = Path.Combine(GoldenDirectory(), name + ".json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        Assert.True(File.Exists(file), $"No golden file {file}; run with UPDATE_GOLDEN=1 to create it.");
        var expected = JsonNode.Parse(File.ReadAllText(file));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{name} differs from its golden file.\nActual:\n{actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}");
    }

    [Fact]
    public void Root_IsAnAdaptiveCard15_WithSchemaAndFallbackText()
    {
        var json = Json(new Card("Title", CardTone.Neutral, [], "fallback"));
        Assert.Equal("AdaptiveCard", json["type"]!.GetValue<string>());
        Assert.Equal("1.5", json["version"]!.GetValue<string>());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", json["$schema"]!.GetValue<string>());
        Assert.Equal("fallback", json["fallbackText"]!.GetValue<string>());
        Assert.Null(json["actions"]);
    }

    [Theory]
    [InlineData(CardTone.InProgress, "accent")]
    [InlineData(CardTone.Success, "good")]
    [InlineData(CardTone.Warning, "warning")]
    [InlineData(CardTone.Danger, "attention")]
    [InlineData(CardTone.Neutral, null)]
    public void Title_IsAMediumBolderTextBlock_ColouredByTone(CardTone tone, string? colour)
    {
        var title = Json(new Card("Create AMI", tone, [], "x"))["body"]![0]!;
        Assert.Equal("TextBlock", title["type"]!.GetValue<string>());
        Assert.Equal("medium", title["size"]!.GetValue<string>());
        Assert.Equal("bolder", title["weight"]!.GetValue<string>());
        Assert.Equal(colour, title["color"]?.GetValue<string>());
    }

    [Fact]
    public void TextStyles_MapToTextBlockProperties()
    {
        var body = Json(new Card("t", CardTone.Neutral, [new CoreText("a", TextStyle.Subtle), new CoreText("b", TextStyle.Emphasis), new CoreText("c", TextStyle.Monospace)], "x"))["body"]!;
        Assert.True(body[1]!["isSubtle"]!.GetValue<bool>());
        Assert.Equal("bolder", body[2]!["weight"]!.GetValue<string>());
        Assert.Equal("monospace", body[3]!["fontType"]!.GetValue<string>());
        Assert.All(new[] { body[1], body[2], body[3] }, b => Assert.True(b!["wrap"]!.GetValue<bool>()));
    }

    [Fact]
    public void Buttons_AreActionExecute_WithSubmitFallbackCarryingTheVerb()
    {
        var actions = Json(SampleCards.Approval())["actions"]!.AsArray();
        Assert.Equal(2, actions.Count);
        var approve = actions[0]!;
        Assert.Equal("Action.Execute", approve["type"]!.GetValue<string>());
        Assert.Equal(CardActions.Approve, approve["verb"]!.GetValue<string>());
        Assert.Equal("Approve", approve["title"]!.GetValue<string>());
        Assert.Equal("op-cccccccc", approve["data"]!["operationId"]!.GetValue<string>());
        Assert.Equal("Action.Submit", approve["fallback"]!["type"]!.GetValue<string>());
        Assert.Equal(CardActions.Approve, approve["fallback"]!["data"]!["verb"]!.GetValue<string>());
        Assert.Equal("op-cccccccc", approve["fallback"]!["data"]!["operationId"]!.GetValue<string>());
    }

    [Fact]
    public void Confirm_BecomesANoteAboveTheButtons()
    {
        var body = Json(SampleCards.Approval())["body"]!.AsArray();
        Assert.Contains(body, e => e!["text"]?.GetValue<string>() == "Approve: A new volume will be created and attached to web-01.");
    }

    [Fact]
    public void Divider_SeparatesTheNextElement()
    {
        var body = Json(new Card("t", CardTone.Neutral, [new CoreText("a"), new DividerBlock(), new CoreText("b")], "x"))["body"]!;
        Assert.True(body[2]!["separator"]!.GetValue<bool>());
        Assert.Null(body[1]!["separator"]);
    }

    [Fact]
    public void UserText_IsAJsonStringValue_NeverSplicedIntoTheStructure()
    {
        const string hostile = "\"}],\"actions\":[{\"type\":\"Action.OpenUrl\",\"url\":\"https://evil\"}],\"x\":[{\"";
        var json = Json(new Card(hostile, CardTone.Neutral, [new CoreText(hostile)], hostile));
        Assert.Null(json["actions"]);
        Assert.Equal(hostile, json["body"]![1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void LargeTables_AreTruncated_SoTheActivityStaysUnder40KB()
    {
        var card = MessageCards.Amis("eu-west-1", SampleCards.Images(2000), SampleCards.Now);
        var activity = new Activity
        {
            Type = "message",
            Id = "1700000000001",
            ServiceUrl = "https://smba.trafficmanager.net/emea/",
            ChannelId = "msteams",
            Conversation = new ConversationAccount("19:abc@thread.tacv2;messageid=1700000000000", "channel", true, "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            Summary = card.FallbackText,
            Attachments = [Renderer.RenderAttachment(card)],
        };

        var bytes = JsonSerializer.SerializeToUtf8Bytes(activity, BotJson.Options).Length;

        Assert.True(bytes < AdaptiveCardRenderer.MaxActivityBytes, $"activity is {bytes} bytes");
        var body = Json(card)["body"]!.AsArray();
        var table = body.Single(e => e!["type"]!.GetValue<string>() == "Table")!;
        var shownRows = table["rows"]!.AsArray().Count - 1;
        Assert.InRange(shownRows, 20, 1999);
        Assert.Equal($"… and {2000 - shownRows} more", body[^1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void SmallTables_AreNotTruncated()
    {
        var body = Json(MessageCards.Amis("eu-west-1", SampleCards.Images(3), SampleCards.Now))["body"]!.AsArray();
        Assert.Equal(4, body.Single(e => e!["type"]!.GetValue<string>() == "Table")!["rows"]!.AsArray().Count);
        Assert.DoesNotContain(body, e => e!["text"]?.GetValue<string>().StartsWith("… and", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void AngleBrackets_AreNotLeftForTeamsToReadAsHtml()
    {
        var texts = Json(MessageCards.Help()).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        Assert.DoesNotContain("<", texts, StringComparison.Ordinal);
        Assert.Contains("ami ‹instance›", texts, StringComparison.Ordinal);
    }
}
