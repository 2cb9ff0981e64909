using System.Net;
using Microsoft.Extensions.Options;

namespace ChatBackup.Teams;

/// <summary>Bot registration settings, bound from the <c>Teams</c> configuration section.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    public const string BotFrameworkMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public const string MicrosoftGraphUrl = "https://graph.microsoft.com/v1.0/";

    /// <summary>The bot's Microsoft App ID: the audience of inbound tokens and the client id of outbound ones.</summary>
    public string? AppId { get; set; }

    /// <summary>The client secret that goes with <see cref="AppId"/>.</summary>
    public string? AppPassword { get; set; }

    /// <summary>Set for a single-tenant bot; empty means multi-tenant.</summary>
    public string? TenantId { get; set; }

    /// <summary>Where the signing keys for inbound JWTs are published.</summary>
    public string OpenIdMetadataUrl { get; set; } = BotFrameworkMetadataUrl;

    /// <summary>With no <see cref="AppId"/>, accept unauthenticated activities (local Agents Playground only).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Sends per second in one conversation (Teams allows 7 per second, 8 per 2 s, 60 per 30 s); the longer windows scale with it.</summary>
    public int SendsPerSecondPerConversation { get; set; } = 7;

    /// <summary>
    /// After a crash between a post and the record of it, look the message up in Microsoft Graph
    /// (needs the RSC permissions of the app manifest) instead of posting it again.
    /// </summary>
    public bool FindLostPosts { get; set; } = true;

    /// <summary>Microsoft Graph base URL (national clouds and tests point it elsewhere); the Graph token only goes here.</summary>
    public string GraphBaseUrl { get; set; } = MicrosoftGraphUrl;

    public bool Enabled => !string.IsNullOrEmpty(AppId) || AllowAnonymous;

    /// <summary>True when activities are accepted without a token and replies are sent without one.</summary>
    public bool Anonymous => string.IsNullOrEmpty(AppId) && AllowAnonymous;
}

internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var failures = new List<string>();

        if (!Uri.TryCreate(options.OpenIdMetadataUrl, UriKind.Absolute, out var metadata)
            || (metadata.Scheme != Uri.UriSchemeHttps && !(metadata.Scheme == Uri.UriSchemeHttp && IsLoopback(metadata))))
        {
            failures.Add("Teams:OpenIdMetadataUrl must be an absolute https URL (http is allowed only for a loopback host).");
        }

        if (!Uri.TryCreate(options.GraphBaseUrl, UriKind.Absolute, out var graph)
            || (graph.Scheme != Uri.UriSchemeHttps && !(graph.Scheme == Uri.UriSchemeHttp && IsLoopback(graph)))
            || !string.IsNullOrEmpty(graph.Query) || !string.IsNullOrEmpty(graph.Fragment) || !string.IsNullOrEmpty(graph.UserInfo))
        {
            failures.Add("Teams:GraphBaseUrl must be an absolute https URL without query (http is allowed only for a loopback host).");
        }

        if (options.SendsPerSecondPerConversation is < 1 or > 1000)
        {
            failures.Add("Teams:SendsPerSecondPerConversation must be between 1 and 1000.");
        }

        var hasAppId = !string.IsNullOrEmpty(options.AppId);
        if (options.AllowAnonymous && hasAppId)
        {
            failures.Add("Teams:AllowAnonymous is only valid without Teams:AppId: a registered bot always verifies tokens.");
        }

        if (hasAppId && string.IsNullOrEmpty(options.AppPassword))
        {
            failures.Add("Teams:AppPassword is required when Teams:AppId is set.");
        }

        if (!string.IsNullOrEmpty(options.TenantId) && !IsTenant(options.TenantId))
        {
            failures.Add("Teams:TenantId must be a directory (tenant) GUID or domain name.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    // The tenant is spliced into issuer strings and the MSAL authority, so only allow what a tenant can be.
    internal static bool IsTenant(string tenant) =>
        Guid.TryParse(tenant, out _) || (tenant.Length <= 253 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'));
}
