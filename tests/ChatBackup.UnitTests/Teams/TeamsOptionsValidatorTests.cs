using ChatBackup.Teams;

namespace ChatBackup.UnitTests.Teams;

public sealed class TeamsOptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(TeamsOptions options) =>
        new TeamsOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_AreValid_AndDisabled()
    {
        var options = new TeamsOptions();
        Assert.Empty(Failures(options));
        Assert.False(options.Enabled);
    }

    [Fact]
    public void AppIdWithPassword_IsValid_AndEnabled()
    {
        var options = new TeamsOptions { AppId = "app", AppPassword = "secret" };
        Assert.Empty(Failures(options));
        Assert.True(options.Enabled);
        Assert.False(options.Anonymous);
    }

    [Fact]
    public void AppIdWithoutPassword_NamesTheKey() =>
        Assert.Contains(Failures(new TeamsOptions { AppId = "app" }), f => f.Contains("Teams:AppPassword", StringComparison.Ordinal));

    [Fact]
    public void AllowAnonymousWithAppId_NamesTheKey() =>
        Assert.Contains(Failures(new TeamsOptions { AppId = "app", AppPassword = "s", AllowAnonymous = true }), f => f.Contains("Teams:AllowAnonymous", StringComparison.Ordinal));

    [Fact]
    public void AllowAnonymousAlone_IsValid_AndAnonymous()
    {
        var options = new TeamsOptions { AllowAnonymous = true };
        Assert.Empty(Failures(options));
        Assert.True(options.Anonymous);
    }

    [Theory]
    [InlineData("http://login.botframework.com/v1/.well-known/openidconfiguration")]
    [InlineData("ftp://127.0.0.1/x")]
    [InlineData("not a url")]
    public void MetadataUrl_MustBeHttps_NamesTheKey(string url) =>
        Assert.Contains(Failures(new TeamsOptions { OpenIdMetadataUrl = url }), f => f.Contains("Teams:OpenIdMetadataUrl", StringComparison.Ordinal));

    [Theory]
    [InlineData("http://127.0.0.1:5000/.well-known/openidconfiguration")]
    [InlineData("http://localhost:5000/.well-known/openidconfiguration")]
    [InlineData("http://[::1]:5000/.well-known/openidconfiguration")]
    public void MetadataUrl_MayBeHttpOnLoopback(string url) =>
        Assert.Empty(Failures(new TeamsOptions { OpenIdMetadataUrl = url }));

    [Fact]
    public void TenantId_CannotCarryPathCharacters() =>
        Assert.Contains(Failures(new TeamsOptions { AppId = "a", AppPassword = "s", TenantId = "x/../y" }), f => f.Contains("Teams:TenantId", StringComparison.Ordinal));

    [Theory]
    [InlineData("http://graph.microsoft.com/v1.0/")]
    [InlineData("graph.microsoft.com/v1.0/")]
    [InlineData("https://graph.microsoft.com/v1.0/?x=1")]
    [InlineData("https://user:pw@graph.microsoft.com/v1.0/")]
    public void GraphBaseUrl_MustBeHttps_NamesTheKey(string url) =>
        Assert.Contains(Failures(new TeamsOptions { GraphBaseUrl = url }), f => f.Contains("Teams:GraphBaseUrl", StringComparison.Ordinal));

    [Theory]
    [InlineData("https://graph.microsoft.us/v1.0/")]
    [InlineData("http://127.0.0.1:5000/v1.0/")]
    public void GraphBaseUrl_MayBeAnotherCloud_OrHttpOnLoopback(string url) =>
        Assert.Empty(Failures(new TeamsOptions { GraphBaseUrl = url }));

    [Fact]
    public void LostPostLookUp_IsOnByDefault_AgainstMicrosoftGraph()
    {
        var options = new TeamsOptions();
        Assert.True(options.FindLostPosts);
        Assert.Equal("https://graph.microsoft.com/v1.0/", options.GraphBaseUrl);
    }
}
