using ChatBackup.Jobs.Dashboard;

namespace ChatBackup.UnitTests.Jobs;

public sealed class DashboardAccessOptionsTests
{
    private static readonly string Hash = DashboardPasswordHash.Create("correct horse battery staple", DashboardPasswordHash.MinimumIterations);

    [Fact]
    public void Hash_VerifiesItsPassword_AndNoOther()
    {
        Assert.True(DashboardPasswordHash.TryParse(Hash, out var hash, out _));

        Assert.True(hash!.Verify("correct horse battery staple"));
        Assert.False(hash.Verify("correct horse battery stapl"));
        Assert.StartsWith("pbkdf2-sha256$100000$", Hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Hashes_OfTheSamePassword_DifferBySalt()
    {
        Assert.NotEqual(Hash, DashboardPasswordHash.Create("correct horse battery staple", DashboardPasswordHash.MinimumIterations));
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("pbkdf2-sha1$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$not base64!")]
    public void Validation_RefusesAMalformedHash_NamingTheKey(string hash)
    {
        var result = Validate(new DashboardAccessOptions { Username = "ops", PasswordHash = hash });

        Assert.True(result.Failed);
        Assert.Contains("Dashboard:PasswordHash", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_RequiresCredentials_ForRemoteAccess()
    {
        var result = Validate(new DashboardAccessOptions { AllowRemote = true });

        Assert.Contains("Dashboard:AllowRemote", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_RefusesAColonInTheUserName()
    {
        var result = Validate(new DashboardAccessOptions { Username = "ops:team", PasswordHash = Hash });

        Assert.Contains("Dashboard:Username", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_AcceptsTheDefaults_AndRemoteAccessWithCredentials()
    {
        Assert.True(Validate(new DashboardAccessOptions()).Succeeded);
        Assert.True(Validate(new DashboardAccessOptions { AllowRemote = true, Username = "ops", PasswordHash = Hash }).Succeeded);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(DashboardAccessOptions options) =>
        new DashboardAccessOptionsValidator().Validate(null, options);
}
