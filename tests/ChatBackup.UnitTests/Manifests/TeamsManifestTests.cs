using System.Buffers.Binary;
using System.Text.Json;

namespace ChatBackup.UnitTests.Manifests;

/// <summary>
/// <c>manifests/teams/manifest.json</c> and its icons follow the Teams app manifest schema 1.22
/// (https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema).
/// </summary>
public sealed class TeamsManifestTests
{
    private const string Folder = "manifests/teams";
    private const string AppIdPlaceholder = "{{TEAMS_APP_ID}}";
    private static readonly string[] Scopes = ["personal", "team", "groupChat"];
    private static readonly string[] MenuCommands = ["help", "ami", "snapshot", "restore", "list", "status"];

    [Fact]
    public void Manifest_UsesSchema1_22()
    {
        var manifest = Load();

        Assert.Equal("https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json", String(manifest, "$schema"));
        Assert.Equal("1.22", String(manifest, "manifestVersion"));
        Assert.False(string.IsNullOrWhiteSpace(String(manifest, "version")));
    }

    [Fact]
    public void AppIdAndBotId_ArePlaceholdersFilledWhenPackaging()
    {
        var manifest = Load();

        Assert.Equal(AppIdPlaceholder, String(manifest, "id"));
        Assert.Equal(AppIdPlaceholder, String(Bot(manifest), "botId"));
    }

    [Fact]
    public void NamesAndDescriptions_FitTeamsLimits()
    {
        var manifest = Load();

        Assert.InRange(String(manifest, "name", "short").Length, 1, 30);
        Assert.InRange(String(manifest, "description", "short").Length, 1, 80);
        Assert.False(string.IsNullOrWhiteSpace(String(manifest, "description", "full")));
        Assert.False(string.IsNullOrWhiteSpace(String(manifest, "developer", "name")));
    }

    [Theory]
    [InlineData("color", 192)]
    [InlineData("outline", 32)]
    public void Icons_ArePngsOfTheRequiredSize(string icon, int size)
    {
        var file = Path.Combine(ManifestFiles.PathOf(Folder), String(Load(), "icons", icon));
        Assert.True(File.Exists(file), $"the {icon} icon {file} is missing");

        var (width, height) = PngSize(File.ReadAllBytes(file));

        Assert.Equal((size, size), (width, height));
    }

    [Fact]
    public void Bot_WorksInPersonalChatsTeamsAndGroupChats()
    {
        var scopes = Bot(Load()).GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ToList();

        Assert.Equal(Scopes.Order(), scopes.Order());
    }

    [Fact]
    public void CommandMenus_OfferTheMainVerbs_WithinTeamsLimitOfTen()
    {
        var bot = Bot(Load());
        var botScopes = bot.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).ToHashSet();
        var lists = bot.GetProperty("commandLists").EnumerateArray().ToList();
        Assert.NotEmpty(lists);

        foreach (var list in lists)
        {
            Assert.All(list.GetProperty("scopes").EnumerateArray(), s => Assert.Contains(s.GetString(), botScopes));
            var commands = list.GetProperty("commands").EnumerateArray().ToList();
            Assert.InRange(commands.Count, 1, 10);
            Assert.All(commands, c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("description").GetString())));

            var titles = commands.Select(c => c.GetProperty("title").GetString()).ToList();
            Assert.All(MenuCommands, verb => Assert.Contains(verb, titles));
        }
    }

    [Fact]
    public void ResourceSpecificConsent_LetsTheBotReadItsOwnChannelAndGroupChatMessagesBack()
    {
        var manifest = Load();

        // RSC needs webApplicationInfo with the bot's Entra app id; resource is unused by RSC but must be set.
        Assert.Equal(AppIdPlaceholder, String(manifest, "webApplicationInfo", "id"));
        Assert.False(string.IsNullOrWhiteSpace(String(manifest, "webApplicationInfo", "resource")));

        var permissions = manifest.GetProperty("authorization").GetProperty("permissions").GetProperty("resourceSpecific").EnumerateArray()
            .Select(p => (Name: p.GetProperty("name").GetString(), Type: p.GetProperty("type").GetString()))
            .ToList();
        Assert.Equal(
            [("ChannelMessage.Read.Group", "Application"), ("ChatMessage.Read.Chat", "Application")],
            permissions.Order());
        Assert.All(manifest.GetProperty("authorization").GetProperty("permissions").GetProperty("resourceSpecific").EnumerateArray(), p =>
            Assert.Equal(["name", "type"], p.EnumerateObject().Select(property => property.Name).Order()));
    }

    private static JsonElement Load()
    {
        var path = Path.Combine(ManifestFiles.PathOf(Folder), "manifest.json");
        Assert.True(File.Exists(path), $"{path} is missing: the Teams app package (manifest.json, color.png 192×192, outline.png 32×32) belongs in {Folder}/");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static JsonElement Bot(JsonElement manifest) => Assert.Single(manifest.GetProperty("bots").EnumerateArray().ToList());

    private static string String(JsonElement from, params string[] path)
    {
        var element = from;
        foreach (var key in path)
        {
            Assert.True(element.TryGetProperty(key, out element), $"the Teams manifest has no {string.Join('.', path)}");
        }

        return element.GetString() ?? "";
    }

    /// <summary>Width and height from the IHDR chunk, which the PNG format puts first (bytes 16–23).</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.Length >= 24 && png.AsSpan(0, 8).SequenceEqual(signature), "not a PNG file");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
