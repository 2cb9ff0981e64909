using System.Text.RegularExpressions;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>
/// No container engine runs where the tests run, so the Dockerfile's essentials are read instead:
/// SDK build stage, ASP.NET runtime stage with only the publish output, non-root user, the
/// self-probing HEALTHCHECK, and no secrets in ENV or ARG.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = PublishedHostFixture.RepoRoot();
    private static readonly List<(string Instruction, string Arguments)> Lines = Parse(File.ReadAllText(Path.Combine(Root, "Dockerfile")));

    [Fact]
    public void Build_IsMultiStage_FromTheSdkToTheAspNetRuntime()
    {
        var froms = Arguments("FROM");

        Assert.True(froms.Count >= 2, "the Dockerfile needs a build stage and a runtime stage");
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:10\.0\S*\s+AS\s+\w+", froms[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0", froms[^1]);
    }

    [Fact]
    public void RuntimeStage_CopiesOnlyThePublishOutput()
    {
        var copies = FinalStage().Where(l => l.Instruction is "COPY" or "ADD").ToList();

        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.StartsWith("--from=", c.Arguments, StringComparison.Ordinal));
    }

    [Fact]
    public void RuntimeStage_RunsAsANonRootUser()
    {
        var user = Assert.Single(FinalStage(), l => l.Instruction == "USER").Arguments.Trim();

        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
    }

    [Fact]
    public void HealthCheck_UsesTheHostsOwnProbe()
    {
        var check = Assert.Single(FinalStage(), l => l.Instruction == "HEALTHCHECK").Arguments;

        Assert.Contains("--health-probe", check, StringComparison.Ordinal);
        Assert.Contains("ChatBackup.Host.dll", check, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", check, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvAndArgs_CarryNoSecrets()
    {
        var suspicious = Lines.Where(l => l.Instruction is "ENV" or "ARG" && SecretName().IsMatch(l.Arguments)).Select(l => $"{l.Instruction} {l.Arguments}").ToList();

        Assert.True(suspicious.Count == 0, $"secrets belong in the run-time environment, not the image: {string.Join(" | ", suspicious)}");
    }

    [Fact]
    public void DockerIgnore_KeepsTestsAndBuildOutputOutOfTheContext()
    {
        var path = Path.Combine(Root, ".dockerignore");
        Assert.True(File.Exists(path), ".dockerignore is missing");
        var rules = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        // Either an allow-list (ignore everything, re-include what the build copies) or explicit exclusions.
        Assert.True(rules[0] == "*" ? !rules.Contains("!tests/") : rules.Contains("tests/"), "tests/ must not reach the build context");
        Assert.Contains("**/bin/", rules);
        Assert.Contains("**/obj/", rules);
    }

    private static List<string> Arguments(string instruction) => Lines.Where(l => l.Instruction == instruction).Select(l => l.Arguments).ToList();

    private static List<(string Instruction, string Arguments)> FinalStage() => Lines.Skip(Lines.FindLastIndex(l => l.Instruction == "FROM")).ToList();

    /// <summary>Instructions with their arguments, continuation lines joined and comments dropped.</summary>
    private static List<(string Instruction, string Arguments)> Parse(string dockerfile)
    {
        var joined = Continuation().Replace(dockerfile, " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
            .Select(p => (p[0].ToUpperInvariant(), p.Length > 1 ? p[1] : ""))
            .ToList();
    }

    [GeneratedRegex(@"\\\r?\n(\s*#[^\n]*\n)*")]
    private static partial Regex Continuation();

    [GeneratedRegex("SECRET|TOKEN|PASSWORD|ACCESS_KEY|CONNECTIONSTRINGS", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
