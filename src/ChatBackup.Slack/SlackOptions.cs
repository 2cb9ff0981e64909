using Microsoft.Extensions.Options;

namespace ChatBackup.Slack;

/// <summary>Slack app settings, bound from the <c>Slack</c> configuration section.</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Signs every inbound request; without it Slack is disabled.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The <c>xoxb-</c> bot token for the Web API.</summary>
    public string? BotToken { get; set; }

    /// <summary>Web API base; GovSlack and tests point it elsewhere.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Messages the bot starts per second in one channel (Slack allows about 1).</summary>
    public int PostsPerSecondPerChannel { get; set; } = 1;

    /// <summary>
    /// After a crash, look for a message whose <c>chat.postMessage</c> answer was lost (by its metadata, with
    /// <c>conversations.history</c>/<c>conversations.replies</c>) instead of posting it again. Needs the bot
    /// scopes <c>channels:history</c> and <c>groups:history</c>; false gives at-least-once messages without them.
    /// </summary>
    public bool FindLostPosts { get; set; } = true;

    public bool Enabled => !string.IsNullOrEmpty(SigningSecret);
}

internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var failures = new List<string>();

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Slack:ApiBaseUrl must be an absolute http(s) URL.");
        }
        else if (!options.ApiBaseUrl.EndsWith('/'))
        {
            // Without the slash HttpClient drops the last path segment ("api") when resolving "chat.postMessage".
            failures.Add("Slack:ApiBaseUrl must end with '/'.");
        }

        if (options.PostsPerSecondPerChannel is < 1 or > 100)
        {
            failures.Add("Slack:PostsPerSecondPerChannel must be between 1 and 100.");
        }

        if (options.Enabled && (options.BotToken is null || !options.BotToken.StartsWith("xoxb-", StringComparison.Ordinal)))
        {
            failures.Add("Slack:BotToken must start with xoxb- (required when Slack:SigningSecret is set).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
