using ChatBackup.Slack;

namespace ChatBackup.UnitTests.Slack;

public sealed class SlackOptionsValidatorTests
{
    private static readonly SlackOptionsValidator Validator = new();

    [Fact]
    public void Defaults_AreValid_AndDisabled()
    {
        var options = new SlackOptions();
        Assert.False(options.Enabled);
        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Enabled_WithBotToken_IsValid() =>
        Assert.True(Validator.Validate(null, new SlackOptions { SigningSecret = "s", BotToken = "xoxb-test-token" }).Succeeded);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xoxp-user-token")]
    public void Enabled_WithoutBotBotToken_FailsNamingTheKey(string? token)
    {
        var result = Validator.Validate(null, new SlackOptions { SigningSecret = "s", BotToken = token });
        Assert.True(result.Failed);
        Assert.Contains("Slack:BotToken must start with xoxb-", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slack.com/api/")]
    [InlineData("ftp://slack.com/api/")]
    [InlineData("https://slack.com/api")]
    [InlineData("")]
    public void ApiBaseUrl_MustBeAbsoluteHttpEndingInSlash(string url)
    {
        var result = Validator.Validate(null, new SlackOptions { ApiBaseUrl = url });
        Assert.True(result.Failed);
        Assert.Contains("Slack:ApiBaseUrl", result.FailureMessage, StringComparison.Ordinal);
    }
}
