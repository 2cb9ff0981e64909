using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatBackup.Teams.Graph;

/// <summary>Gets the app-only bearer token the bot presents to Microsoft Graph in one tenant.</summary>
public interface IGraphTokenProvider
{
    /// <summary>A token for <see cref="GraphTokenProvider.Scope"/> issued by <paramref name="tenantId"/>.</summary>
    Task<string> GetTokenAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>
/// Client-credentials tokens for <c>https://graph.microsoft.com/.default</c> from MSAL, with the bot's
/// App ID and secret. Unlike the Bot Connector token (issued by <c>botframework.com</c> for a
/// multi-tenant bot), a Graph token must come from the tenant that owns the team or chat: the
/// resource-specific consent given when the app was installed there lives in that tenant. One
/// confidential client per tenant; MSAL caches each token until shortly before it expires.
/// </summary>
public sealed class GraphTokenProvider(IOptions<TeamsOptions> options) : IGraphTokenProvider
{
    public const string Scope = "https://graph.microsoft.com/.default";

    private static readonly string[] Scopes = [Scope];

    private readonly ConcurrentDictionary<string, Lazy<IConfidentialClientApplication>> _applications = new(StringComparer.OrdinalIgnoreCase);

    public async Task<string> GetTokenAsync(string tenantId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.AppId) || string.IsNullOrEmpty(settings.AppPassword))
        {
            throw new InvalidOperationException("A Microsoft Graph token needs Teams:AppId and Teams:AppPassword.");
        }

        // The tenant goes into the authority URL: only what a tenant id or domain can be.
        if (!TeamsOptionsValidator.IsTenant(tenantId))
        {
            throw new ArgumentException("Not a tenant id.", nameof(tenantId));
        }

        var application = _applications.GetOrAdd(
            tenantId,
            tenant => new Lazy<IConfidentialClientApplication>(() => ConfidentialClientApplicationBuilder.Create(settings.AppId)
                .WithClientSecret(settings.AppPassword)
                .WithAuthority($"https://login.microsoftonline.com/{tenant}")
                .Build()));
        var result = await application.Value.AcquireTokenForClient(Scopes).ExecuteAsync(cancellationToken);
        return result.AccessToken;
    }
}
