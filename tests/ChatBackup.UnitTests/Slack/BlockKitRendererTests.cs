using System.Text.Json;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Slack.BlockKit;
using SlackBlocks = ChatBackup.Slack.BlockKit;

namespace ChatBackup.UnitTests.Slack;

public sealed class BlockKitRendererTests
{
    private static readonly BlockKitRenderer Renderer = new();

    private static Card CardWith(params CardBlock[] blocks) => new("Create AMI", CardTone.InProgress, blocks, "AMI for web-01");

    private static JsonObject Json(Card card) =>
        JsonNode.Parse(JsonSerializer.Serialize(Renderer.Render(card)))!.AsObject();

    private static JsonArray Blocks(Card card) => Json(card)["blocks"]!.AsArray();

    [Theory]
    [InlineData(CardTone.InProgress, "⏳ Create AMI")]
    [InlineData(CardTone.Success, "✅ Create AMI")]
    [InlineData(CardTone.Warning, "⚠️ Create AMI")]
    [InlineData(CardTone.Danger, "❌ Create AMI")]
    [InlineData(CardTone.Neutral, "Create AMI")]
    public void Header_CarriesToneEmoji(CardTone tone, string expected)
    {
        var header = Blocks(new Card("Create AMI", tone, [], "x"))[0]!;
        Assert.Equal("header", header["type"]!.GetValue<string>());
        Assert.Equal("plain_text", header["text"]!["type"]!.GetValue<string>());
        Assert.Equal(expected, header["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Output_HasFallbackTextAndBlocks()
    {
        var json = Json(CardWith(new TextBlock("hello")));
        Assert.Equal("AMI for web-01", json["text"]!.GetValue<string>());
        Assert.Equal(2, json["blocks"]!.AsArray().Count);
    }

    [Fact]
    public void Text_IsEscapedSoMentionsAndLinksCannotBeInjected()
    {
        var section = Blocks(CardWith(new TextBlock("ping <@U123> & <!channel> <https://evil|click>")))[1]!;
        Assert.Equal("section", section["type"]!.GetValue<string>());
        Assert.Equal("mrkdwn", section["text"]!["type"]!.GetValue<string>());
        Assert.Equal("ping &lt;@U123&gt; &amp; &lt;!channel&gt; &lt;https://evil|click&gt;", section["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void FallbackText_IsEscaped()
    {
        var json = Json(new Card("t", CardTone.Neutral, [], "by <@U123> & co"));
        Assert.Equal("by &lt;@U123&gt; &amp; co", json["text"]!.GetValue<string>());
    }

    [Fact]
    public void TextStyles_MapToSlackFormatting()
    {
        var blocks = Blocks(CardWith(
            new TextBlock("ami-0123", TextStyle.Monospace),
            new TextBlock("line 1\nline `2`", TextStyle.Monospace),
            new TextBlock("Reboots the instance", TextStyle.Emphasis),
            new TextBlock("small print", TextStyle.Subtle)));

        Assert.Equal("`ami-0123`", blocks[1]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("```\nline 1\nline `2`\n```", blocks[2]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("*Reboots the instance*", blocks[3]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("context", blocks[4]!["type"]!.GetValue<string>());
        Assert.Equal("small print", blocks[4]!["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void EmptyText_IsSkipped_BecauseSlackRejectsEmptySections() =>
        Assert.Single(Blocks(CardWith(new TextBlock("  "))));

    [Fact]
    public void Facts_BecomeSectionFields_TenPerSection()
    {
        var facts = Enumerable.Range(1, 23).Select(i => new Fact($"Label {i}", $"<value {i}>")).ToList();
        var blocks = Blocks(CardWith(new FactsBlock(facts)));

        Assert.Equal(4, blocks.Count);
        Assert.Equal([10, 10, 3], blocks.Skip(1).Select(b => b!["fields"]!.AsArray().Count));
        Assert.Equal("*Label 1*\n&lt;value 1&gt;", blocks[1]!["fields"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("mrkdwn", blocks[1]!["fields"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Progress_ShowsBarAndCaption()
    {
        var section = Blocks(CardWith(new ProgressBlock(40, "2 of 5 snapshots")))[1]!;
        Assert.Equal("▰▰▰▰▱▱▱▱▱▱ 40%\n2 of 5 snapshots", section["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Table_IsOneMonospaceSection_WithAlignedColumns()
    {
        var table = new TableBlock(["Id", "Name"], [["ami-1", "web <1>"], ["ami-22222", "db"]]);
        var text = Blocks(CardWith(table))[1]!["text"]!["text"]!.GetValue<string>();
        Assert.Equal("```\nId         Name\nami-1      web &lt;1&gt;\nami-22222  db\n```", text);
    }

    [Fact]
    public void Table_WithManyRows_StaysWithinSectionLimit_AndSaysHowManyAreLeftOut()
    {
        var rows = Enumerable.Range(0, 500).Select(i => (IReadOnlyList<string>)[$"ami-{i:D17}", $"name-{i}", "available"]).ToList();
        var text = Blocks(CardWith(new TableBlock(["Id", "Name", "State"], rows)))[1]!["text"]!["text"]!.GetValue<string>();

        Assert.True(text.Length <= BlockKitRenderer.MaxSectionTextLength, $"length {text.Length}");
        Assert.Matches(@"\n… and \d+ more$", text);
        var shown = text.Split('\n').Count(l => l.StartsWith("ami-", StringComparison.Ordinal));
        Assert.EndsWith($"… and {500 - shown} more", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContextAndDivider_AreRendered()
    {
        var blocks = Blocks(CardWith(new ChatBackup.Core.Cards.ContextBlock("op-abcd1234 · <@U1>"), new ChatBackup.Core.Cards.DividerBlock()));
        Assert.Equal("context", blocks[1]!["type"]!.GetValue<string>());
        Assert.Equal("op-abcd1234 · &lt;@U1&gt;", blocks[1]!["elements"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("divider", blocks[2]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Buttons_BecomeActionsBlock_WithIdsValuesStylesAndConfirm()
    {
        var card = new Card("Restore", CardTone.Warning, [], "Approval needed",
        [
            new CardButton(CardActions.Approve, "Approve", "op-abcd1234", ButtonStyle.Primary,
                new ConfirmDialog("Restore volume?", "Attaches a new volume to web-01", "Restore", "Cancel")),
            new CardButton(CardActions.Reject, "Reject", "op-abcd1234", ButtonStyle.Danger),
            new CardButton(CardActions.Refresh, "Refresh", "op-abcd1234"),
        ]);

        var actions = Blocks(card).Last()!;
        Assert.Equal("actions", actions["type"]!.GetValue<string>());
        var approve = actions["elements"]![0]!;
        Assert.Equal("button", approve["type"]!.GetValue<string>());
        Assert.Equal(CardActions.Approve, approve["action_id"]!.GetValue<string>());
        Assert.Equal("op-abcd1234", approve["value"]!.GetValue<string>());
        Assert.Equal("primary", approve["style"]!.GetValue<string>());
        Assert.Equal("Approve", approve["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Restore volume?", approve["confirm"]!["title"]!["text"]!.GetValue<string>());
        Assert.Equal("Attaches a new volume to web-01", approve["confirm"]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Restore", approve["confirm"]!["confirm"]!["text"]!.GetValue<string>());
        Assert.Equal("Cancel", approve["confirm"]!["deny"]!["text"]!.GetValue<string>());
        Assert.Equal("danger", actions["elements"]![1]!["style"]!.GetValue<string>());
        Assert.Null(actions["elements"]![2]!["style"]);
        Assert.Null(actions["elements"]![2]!["confirm"]);
    }

    [Fact]
    public void Limits_AreEnforcedByTruncation()
    {
        var longText = new string('x', 5000);
        var card = new Card(new string('t', 400), CardTone.Neutral, [new TextBlock(longText), new FactsBlock([new Fact("l", longText)])], "f",
            [new CardButton(CardActions.Approve, new string('b', 100), "op-1", ButtonStyle.Primary,
                new ConfirmDialog(new string('c', 200), longText, new string('y', 50), new string('n', 50)))]);

        var blocks = Blocks(card);
        Assert.Equal(BlockKitRenderer.MaxHeaderLength, Text(blocks[0]!["text"]).Length);
        Assert.Equal(BlockKitRenderer.MaxSectionTextLength, Text(blocks[1]!["text"]).Length);
        Assert.Equal(BlockKitRenderer.MaxFieldLength, Text(blocks[2]!["fields"]![0]).Length);
        var button = blocks[3]!["elements"]![0]!;
        Assert.Equal(BlockKitRenderer.MaxButtonTextLength, Text(button["text"]).Length);
        Assert.Equal(BlockKitRenderer.MaxConfirmTitleLength, Text(button["confirm"]!["title"]).Length);
        Assert.Equal(BlockKitRenderer.MaxConfirmTextLength, Text(button["confirm"]!["text"]).Length);
        Assert.Equal(BlockKitRenderer.MaxConfirmButtonLength, Text(button["confirm"]!["confirm"]).Length);
        Assert.EndsWith("…", Text(blocks[1]!["text"]), StringComparison.Ordinal);

        static string Text(JsonNode? textObject) => textObject!["text"]!.GetValue<string>();
    }

    [Fact]
    public void TooManyBlocks_AreCutTo50_KeepingHeaderAndButtons()
    {
        var body = Enumerable.Range(0, 80).Select(i => (CardBlock)new TextBlock($"para {i}")).ToArray();
        var card = new Card("Many", CardTone.Neutral, body, "f", [new CardButton(CardActions.Refresh, "Refresh", "op-1")]);

        var blocks = Blocks(card);
        Assert.Equal(BlockKitRenderer.MaxBlocks, blocks.Count);
        Assert.Equal("header", blocks[0]!["type"]!.GetValue<string>());
        Assert.Equal("actions", blocks[^1]!["type"]!.GetValue<string>());
        Assert.Equal("… and 33 more", blocks[^2]!["elements"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Truncation_NeverSplitsAnEscapeEntity()
    {
        var text = new string('a', 2997) + "&&&&";
        var rendered = Renderer.Render(CardWith(new TextBlock(text)));
        var section = Assert.IsType<SectionBlock>(rendered.Blocks[1]);
        Assert.Equal(new string('a', 2997) + "…", section.Text!.Text);
    }

    [Fact]
    public void Notice_IsPutAboveTheCard_WithinTheBlockLimit()
    {
        var body = Enumerable.Range(0, 60).Select(i => (CardBlock)new TextBlock($"para {i}")).ToArray();
        var rendered = Renderer.Render(new Card("t", CardTone.Neutral, body, "f"), "Invite me");

        Assert.Equal(BlockKitRenderer.MaxBlocks, rendered.Blocks.Count);
        Assert.Equal("Invite me", Assert.IsType<SectionBlock>(rendered.Blocks[0]).Text!.Text);
        Assert.IsType<HeaderBlock>(rendered.Blocks[1]);
        Assert.IsType<SlackBlocks.ContextBlock>(rendered.Blocks[^1]);
    }
}
