using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChatBackup.Teams.Authentication;

/// <summary>
/// The Bot Framework's OpenID metadata and signing keys, refreshed daily and on an unknown
/// <c>kid</c>. Also keeps each key's <c>endorsements</c> (the channels it may sign for), which
/// <see cref="OpenIdConnectConfigurationRetriever"/> does not expose, by reading the JWKS JSON.
/// </summary>
internal sealed class BotFrameworkMetadata : IDisposable
{
    public const string HttpClientName = "ChatBackup.Teams.OpenIdMetadata";

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly IDocumentRetriever _retriever;
    private readonly ILogger<BotFrameworkMetadata> _logger;
    private readonly SemaphoreSlim _endorsementsLock = new(1, 1);
    private (OpenIdConnectConfiguration Configuration, IReadOnlyDictionary<string, string[]> ByKeyId)? _endorsements;

    public BotFrameworkMetadata(IHttpClientFactory httpClientFactory, IOptions<TeamsOptions> options, ILogger<BotFrameworkMetadata> logger)
    {
        var url = new Uri(options.Value.OpenIdMetadataUrl);
        _retriever = new FactoryDocumentRetriever(httpClientFactory, requireHttps: !TeamsOptionsValidator.IsLoopback(url));
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(url.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), _retriever)
        {
            // PROTOCOLS §5: refresh keys at least daily; an unknown kid may refresh sooner (RefreshInterval apart).
            AutomaticRefreshInterval = TimeSpan.FromHours(24),
            RefreshInterval = TimeSpan.FromMinutes(1),
        };
        _logger = logger;
    }

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken) =>
        _configuration.GetConfigurationAsync(cancellationToken);

    /// <summary>Asks for fresh metadata on the next <see cref="GetConfigurationAsync"/>: a key we do not know may be a new one.</summary>
    public void RequestRefresh(string keyId)
    {
        _logger.RefreshingMetadata(keyId);
        _configuration.RequestRefresh();
    }

    /// <summary>The channels the key may sign for; null when the key or its endorsements are unknown.</summary>
    public async Task<string[]?> GetEndorsementsAsync(OpenIdConnectConfiguration configuration, string keyId, CancellationToken cancellationToken)
    {
        if (_endorsements is { } cached && ReferenceEquals(cached.Configuration, configuration) && cached.ByKeyId.TryGetValue(keyId, out var known))
        {
            return known;
        }

        await _endorsementsLock.WaitAsync(cancellationToken);
        try
        {
            if (_endorsements is not { } current || !ReferenceEquals(current.Configuration, configuration) || !current.ByKeyId.ContainsKey(keyId))
            {
                _endorsements = (configuration, await ReadEndorsementsAsync(configuration.JwksUri, cancellationToken));
            }

            return _endorsements.Value.ByKeyId.GetValueOrDefault(keyId);
        }
        finally
        {
            _endorsementsLock.Release();
        }
    }

    private async Task<IReadOnlyDictionary<string, string[]>> ReadEndorsementsAsync(string jwksUri, CancellationToken cancellationToken)
    {
        var byKeyId = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            var json = await _retriever.GetDocumentAsync(jwksUri, cancellationToken);
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in keys.EnumerateArray())
                {
                    if (key.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String
                        && key.TryGetProperty("endorsements", out var endorsements) && endorsements.ValueKind == JsonValueKind.Array)
                    {
                        byKeyId[kid.GetString()!] = endorsements.EnumerateArray()
                            .Where(e => e.ValueKind == JsonValueKind.String)
                            .Select(e => e.GetString()!)
                            .ToArray();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or ArgumentException)
        {
            // Without endorsements every activity is refused with 403: safe, and the log says why.
            _logger.JwksFailed(jwksUri, e);
        }

        return byKeyId;
    }

    public void Dispose() => _endorsementsLock.Dispose();

    /// <summary>Creates the HTTP client per call so the factory can rotate handlers under a long-lived manager.</summary>
    private sealed class FactoryDocumentRetriever(IHttpClientFactory factory, bool requireHttps) : IDocumentRetriever
    {
        public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
            new HttpDocumentRetriever(factory.CreateClient(HttpClientName)) { RequireHttps = requireHttps }.GetDocumentAsync(address, cancel);
    }
}
