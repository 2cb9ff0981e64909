using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatBackup.Teams.Connector;

/// <summary>Gets the bearer token the bot presents to the Bot Connector; null when none is needed.</summary>
public interface IBotTokenProvider
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Client-credentials tokens for <c>https://api.botframework.com/.default</c> from MSAL, which caches
/// them until shortly before they expire. Multi-tenant bots use the <c>botframework.com</c> tenant,
/// single-tenant bots their own (PROTOCOLS §6). In anonymous mode there is no token.
/// </summary>
public sealed class BotTokenProvider : IBotTokenProvider
{
    public const string Scope = "https://api.botframework.com/.default";

    private static readonly string[] Scopes = [Scope];

    private readonly IConfidentialClientApplication? _application;

    public BotTokenProvider(IOptions<TeamsOptions> options)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.AppId) || string.IsNullOrEmpty(settings.AppPassword))
        {
            return;
        }

        var tenant = string.IsNullOrEmpty(settings.TenantId) ? "botframework.com" : settings.TenantId;
        _application = ConfidentialClientApplicationBuilder.Create(settings.AppId)
            .WithClientSecret(settings.AppPassword)
            .WithAuthority($"https://login.microsoftonline.com/{tenant}")
            .Build();
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_application is null)
        {
            return null;
        }

        var result = await _application.AcquireTokenForClient(Scopes).ExecuteAsync(cancellationToken);
        return result.AccessToken;
    }
}
