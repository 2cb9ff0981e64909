using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatBackup.UnitTests.Aws;

/// <summary>
/// <c>manifests/aws/iam-policy.json</c> grants exactly the EC2 actions the gateway calls: every
/// <c>ec2.&lt;Action&gt;Async(</c> in <c>src/ChatBackup.Aws/Ec2</c> is one <c>ec2:&lt;Action&gt;</c>.
/// </summary>
public sealed partial class IamPolicyTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public void Policy_GrantsEveryEc2ActionTheGatewayCalls()
    {
        var missing = CalledActions().Except(GrantedActions()).Order().ToList();

        Assert.True(missing.Count == 0, $"iam-policy.json lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Policy_GrantsNoEc2ActionTheGatewayDoesNotCall()
    {
        var unused = GrantedActions().Except(CalledActions()).Order().ToList();

        Assert.True(unused.Count == 0, $"iam-policy.json grants actions no code calls: {string.Join(", ", unused)}");
    }

    [Fact]
    public void Policy_HasNoWildcardActions_AndOnlyAllows()
    {
        foreach (var statement in Statements())
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            Assert.All(Actions(statement), a => Assert.DoesNotContain('*', a));
        }
    }

    [Fact]
    public void Policy_LimitsDeletesToResourcesTaggedByTheBot()
    {
        foreach (var action in (string[])["ec2:DeregisterImage", "ec2:DeleteSnapshot"])
        {
            Assert.All(StatementsGranting(action), s => Assert.Equal("false", TagCondition(s, "aws:ResourceTag/chatbackup:operation")));
        }
    }

    [Fact]
    public void Policy_LetsTheRestoreDryRunProveAttachBeforeTheVolumeExists()
    {
        // The pre-approval DryRun of AttachVolume names a stand-in volume: a tag condition on the volume would refuse it.
        var attach = Assert.Single(StatementsGranting("ec2:AttachVolume"));
        Assert.False(attach.TryGetProperty("Condition", out _));
        Assert.Contains(Resources(attach), r => r.Contains(":volume/", StringComparison.Ordinal));
    }

    [Fact]
    public void Policy_AllowsCreateTagsOnlyUnderACondition()
    {
        var statements = StatementsGranting("ec2:CreateTags").ToList();

        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.True(s.TryGetProperty("Condition", out _), $"{s.GetProperty("Sid")} grants CreateTags unconditionally"));
        var onCreate = Assert.Single(statements, s => s.GetProperty("Sid").GetString() == "TagOnCreate");
        var createActions = onCreate.GetProperty("Condition").GetProperty("StringEquals").GetProperty("ec2:CreateAction")
            .EnumerateArray().Select(a => "ec2:" + a.GetString()).ToHashSet();
        Assert.Equal(
            ["ec2:CopyImage", "ec2:CreateImage", "ec2:CreateSnapshot", "ec2:CreateVolume"],
            createActions.Intersect(CalledActions()).Order());
    }

    [Fact]
    public void CalledActions_AreFoundInTheGatewaySource() =>
        Assert.Superset(new HashSet<string> { "ec2:DescribeInstances", "ec2:CreateImage", "ec2:CopyImage", "ec2:DeleteSnapshot" }, CalledActions());

    private static HashSet<string> CalledActions()
    {
        var folder = Path.Combine(RepoRoot, "src", "ChatBackup.Aws", "Ec2");
        return Directory.EnumerateFiles(folder, "*.cs")
            .SelectMany(file => SdkCall().Matches(File.ReadAllText(file)))
            .Select(m => "ec2:" + m.Groups["action"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> GrantedActions() =>
        Statements().SelectMany(Actions).Where(a => a.StartsWith("ec2:", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<JsonElement> StatementsGranting(string action) =>
        Statements().Where(s => Actions(s).Contains(action));

    private static string? TagCondition(JsonElement statement, string key) =>
        statement.TryGetProperty("Condition", out var condition)
        && condition.TryGetProperty("Null", out var isNull)
        && isNull.TryGetProperty(key, out var value)
            ? value.GetString()
            : null;

    private static List<JsonElement> Statements()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "manifests", "aws", "iam-policy.json")));
        return [.. document.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.Clone())];
    }

    private static IEnumerable<string> Actions(JsonElement statement) => Strings(statement.GetProperty("Action"));

    private static IEnumerable<string> Resources(JsonElement statement) => Strings(statement.GetProperty("Resource"));

    // IAM lets Action and Resource be one string or a list.
    private static IEnumerable<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()!) : [element.GetString()!];

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatBackup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ChatBackup.sln above {AppContext.BaseDirectory}");
    }

    // The gateway calls the SDK client through a parameter named ec2: `ec2.CopyImageAsync(`.
    [GeneratedRegex(@"\bec2\.(?<action>[A-Z][A-Za-z0-9]+)Async\(")]
    private static partial Regex SdkCall();
}
