using System.Reflection;
using ChatBackup.Core.Operations;

namespace ChatBackup.UnitTests.Architecture;

/// <summary>The flow chat adapters → intents → jobs → EC2 → cards only holds if the core stays free of them.</summary>
public sealed class LayeringTests
{
    private static IEnumerable<string> References(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!);

    [Fact]
    public void Core_KnowsNothingOfSlackTeamsHangfireAwsOrAspNetCore()
    {
        var forbidden = new[] { "ChatBackup.Slack", "ChatBackup.Teams", "ChatBackup.Jobs", "ChatBackup.Aws", "ChatBackup.Storage", "Hangfire", "Amazon", "AWSSDK", "Microsoft.AspNetCore", "Npgsql" };

        var references = References(typeof(Operation).Assembly).ToList();

        Assert.DoesNotContain(references, r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ChatBackup.Slack", new[] { "ChatBackup.Aws", "ChatBackup.Jobs", "ChatBackup.Teams", "Hangfire", "AWSSDK" })]
    [InlineData("ChatBackup.Aws", new[] { "ChatBackup.Slack", "ChatBackup.Jobs", "ChatBackup.Teams", "Hangfire" })]
    [InlineData("ChatBackup.Jobs", new[] { "ChatBackup.Slack", "ChatBackup.Aws", "ChatBackup.Teams", "AWSSDK" })]
    public void Adapters_DependOnTheCore_NotOnEachOther(string assembly, string[] forbidden)
    {
        var references = References(Assembly.Load(assembly)).ToList();

        Assert.Contains("ChatBackup.Core", references);
        Assert.DoesNotContain(references, r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }
}
