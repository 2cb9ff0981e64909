using ChatBackup.Core.Access;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;

namespace ChatBackup.UnitTests.Core;

public sealed class BackupTaggingTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void DefaultName_IsNameTagPlusUtcTimestamp()
    {
        Assert.Equal("web-01-20261126-120005", BackupTagging.DefaultName("web-01", Noon));
    }

    [Fact]
    public void DefaultName_ReplacesCharactersEc2Refuses_AndStaysWithin128()
    {
        var name = BackupTagging.DefaultName("db#1:primary*" + new string('x', 200), Noon);

        Assert.StartsWith("db-1-primary-", name);
        Assert.Equal(128, name.Length);
        Assert.All(name, c => Assert.True(BackupTagging.IsAllowedInAmiName(c), $"'{c}' is not allowed"));
    }

    [Theory]
    [InlineData("slack:U0123", true)]
    [InlineData("teams:00000000-0000-0000-0000-000000000001", true)]
    [InlineData("U0123", false)]
    [InlineData("discord:U1", false)]
    [InlineData("slack:", false)]
    public void AccessEntries_MustNameAPlatform(string entry, bool valid)
    {
        var result = new AccessOptionsValidator().Validate(null, new AccessOptions { Approvers = [entry] });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Access:Approvers:0", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Approvers_CannotApproveTheirOwnRequest_UnlessAllowed()
    {
        var alice = new Requester("slack", "U1", "alice");
        var bob = new Requester("slack", "U2", "bob");
        var strict = new AccessPolicy(new AccessOptions { Approvers = ["slack:U1", "slack:U2"] });
        var lenient = new AccessPolicy(new AccessOptions { Approvers = ["slack:U1"], AllowSelfApproval = true });

        Assert.False(strict.MayDecide(alice, alice));
        Assert.True(strict.MayDecide(bob, alice));
        Assert.True(lenient.MayDecide(alice, alice));
        Assert.False(lenient.MayDecide(bob, alice));
    }
}
