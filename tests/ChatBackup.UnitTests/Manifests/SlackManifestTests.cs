using YamlDotNet.RepresentationModel;

namespace ChatBackup.UnitTests.Manifests;

/// <summary>
/// <c>manifests/slack/app-manifest.yaml</c> declares what the bot serves and no more
/// (https://api.slack.com/reference/manifests).
/// </summary>
public sealed class SlackManifestTests
{
    private static readonly string[] RequiredScopes =
    [
        "commands",
        "chat:write",
        "chat:write.public",

        // Read access to public and private channels, needed only by Slack:FindLostPosts: after a crash
        // between a post and the record of its ts, the bot looks for its own marked message
        // (conversations.history/replies) instead of posting it twice. No im:/mpim:history: cards go to channels.
        "channels:history",
        "groups:history",
    ];

    private readonly YamlMappingNode _manifest = Load();

    [Fact]
    public void Manifest_IsSchemaVersion1()
    {
        Assert.Equal("1", Scalar("_metadata", "major_version"));
    }

    [Fact]
    public void DisplayName_FitsSlacksLimit_AndTheBotUserHasAName()
    {
        var name = Scalar("display_information", "name");
        Assert.InRange(name.Length, 1, 35);
        Assert.False(string.IsNullOrWhiteSpace(Scalar("features", "bot_user", "display_name")));
    }

    [Fact]
    public void TheOnlySlashCommand_IsBackup_PostingToSlackCommands()
    {
        var command = Assert.IsType<YamlMappingNode>(Assert.Single(Sequence("features", "slash_commands").Children));

        Assert.Equal("/backup", Scalar(command, "command"));
        Assert.EndsWith("/slack/commands", Scalar(command, "url"), StringComparison.Ordinal);
        Assert.StartsWith("https://", Scalar(command, "url"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Scalar(command, "usage_hint")));
        Assert.False(string.IsNullOrWhiteSpace(Scalar(command, "description")));
    }

    [Fact]
    public void Interactivity_IsOn_PostingToSlackInteractions()
    {
        Assert.Equal("true", Scalar("settings", "interactivity", "is_enabled"));
        Assert.EndsWith("/slack/interactions", Scalar("settings", "interactivity", "request_url"), StringComparison.Ordinal);
    }

    [Fact]
    public void BotScopes_AreExactlyWhatTheBotUses()
    {
        // Anything broader (admin, im:history, users:read, …) is access the bot never needs.
        var scopes = Sequence("oauth_config", "scopes", "bot").Children.Select(s => ((YamlScalarNode)s).Value).ToList();

        Assert.Equal(RequiredScopes.Order(), scopes.Order());
        Assert.False(Node(_manifest, "oauth_config", "scopes") is YamlMappingNode m && m.Children.ContainsKey("user"), "the bot asks for no user scopes");
    }

    [Fact]
    public void SocketMode_IsOff_BecauseTheBotServesHttp()
    {
        Assert.Equal("false", Scalar("settings", "socket_mode_enabled"));
    }

    private static YamlMappingNode Load()
    {
        var path = ManifestFiles.PathOf("manifests/slack/app-manifest.yaml");
        Assert.True(File.Exists(path), $"{path} is missing");
        using var reader = new StreamReader(path);
        var yaml = new YamlStream();
        yaml.Load(reader);
        return Assert.IsType<YamlMappingNode>(Assert.Single(yaml.Documents).RootNode);
    }

    private string Scalar(params string[] path) => Scalar(_manifest, path);

    private static string Scalar(YamlNode from, params string[] path) =>
        Assert.IsType<YamlScalarNode>(Node(from, path)).Value ?? "";

    private YamlSequenceNode Sequence(params string[] path) => Assert.IsType<YamlSequenceNode>(Node(_manifest, path));

    private static YamlNode Node(YamlNode from, params string[] path)
    {
        var node = from;
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"the Slack manifest has no {string.Join('.', path)}");
            node = child!;
        }

        return node;
    }
}
