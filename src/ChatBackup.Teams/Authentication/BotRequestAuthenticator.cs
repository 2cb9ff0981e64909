using System.Net.Http.Headers;
using System.Text.Json;
using ChatBackup.Teams.Activities;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatBackup.Teams.Authentication;

/// <summary>The outcome of checking one <c>/api/messages</c> request: the activity, or the status to answer.</summary>
internal sealed record InboundActivity(Activity? Activity, int StatusCode, string? Reason)
{
    public bool Accepted => Activity is not null;

    public static InboundActivity Reject(int statusCode, string reason) => new(null, statusCode, reason);
}

/// <summary>
/// Verifies a Bot Framework request as the Bot Connector authentication spec requires
/// (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication):
/// bearer JWT signed by a current Bot Framework key (RS256/384/512), issuer, audience = App ID,
/// lifetime with 5 minutes' skew; then the <c>serviceurl</c> claim must match the activity and the
/// signing key must be endorsed for the activity's channel (else 403). The body is read only after
/// the token is valid, and nothing of it is used before every check passed.
/// </summary>
internal sealed class BotRequestAuthenticator(
    BotFrameworkMetadata metadata,
    TrustedServiceUrls trustedServiceUrls,
    IOptions<TeamsOptions> options,
    ILogger<BotRequestAuthenticator> logger)
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>Activities are a few KB; invokes carry a card's data. Anything much larger is not from Teams.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly JsonWebTokenHandler _handler = new();

    public async Task<InboundActivity> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Anonymous)
        {
            return await ReadActivityAsync(request, cancellationToken);
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrWhiteSpace(header.Parameter))
        {
            return Rejected(StatusCodes.Status401Unauthorized, "no bearer token");
        }

        var token = await ValidateTokenAsync(header.Parameter, settings, cancellationToken);
        if (token.Failure is { } failure)
        {
            return Rejected(StatusCodes.Status401Unauthorized, failure);
        }

        var inbound = await ReadActivityAsync(request, cancellationToken);
        if (inbound.Activity is not { } activity)
        {
            logger.RequestRejected(inbound.StatusCode, inbound.Reason ?? "unreadable activity");
            return inbound;
        }

        if (!token.Jwt!.TryGetPayloadValue<string>("serviceurl", out var serviceUrlClaim) || string.IsNullOrEmpty(serviceUrlClaim))
        {
            return Rejected(StatusCodes.Status401Unauthorized, "token has no serviceurl claim");
        }

        if (string.IsNullOrEmpty(activity.ServiceUrl) || !string.Equals(serviceUrlClaim, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return Rejected(StatusCodes.Status401Unauthorized, "serviceurl claim does not match the activity's serviceUrl");
        }

        var endorsements = await metadata.GetEndorsementsAsync(token.Configuration!, token.Jwt.Kid, cancellationToken);
        if (string.IsNullOrEmpty(activity.ChannelId) || endorsements is null || !endorsements.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase))
        {
            return Rejected(StatusCodes.Status403Forbidden, $"signing key is not endorsed for channel '{activity.ChannelId}'");
        }

        trustedServiceUrls.Add(activity.ServiceUrl);
        return inbound;
    }

    private async Task<ValidatedToken> ValidateTokenAsync(string token, TeamsOptions settings, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await metadata.GetConfigurationAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                return new ValidatedToken(null, null, "the Bot Framework signing keys could not be retrieved");
            }

            var result = await _handler.ValidateTokenAsync(token, Parameters(configuration, settings));
            if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
            {
                return new ValidatedToken(jwt, configuration, null);
            }

            // A kid we have not seen may be a freshly rotated key: refresh once and try again.
            if (attempt == 1 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                metadata.RequestRefresh(KeyIdOf(token));
                continue;
            }

            return new ValidatedToken(null, null, Describe(result.Exception));
        }
    }

    private static TokenValidationParameters Parameters(Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration, TeamsOptions settings)
    {
        var issuers = new List<string> { BotFrameworkIssuer };
        if (!string.IsNullOrEmpty(settings.TenantId))
        {
            issuers.Add($"https://sts.windows.net/{settings.TenantId}/");
            issuers.Add($"https://login.microsoftonline.com/{settings.TenantId}/v2.0");
        }

        return new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudience = settings.AppId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,

            // The key must be the one the kid names: its endorsements are checked afterwards.
            TryAllIssuerSigningKeys = false,
        };
    }

    private static string KeyIdOf(string token)
    {
        try
        {
            return new JsonWebToken(token).Kid ?? "(none)";
        }
        catch (ArgumentException)
        {
            return "(unreadable)";
        }
    }

    /// <summary>The exception's type names the failed check; its message may quote token content, so it is not logged.</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        null => "token is invalid",
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenSignatureKeyNotFoundException => "signing key not found",
        SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenMalformedException => "malformed token",
        _ => $"token rejected ({exception.GetType().Name})",
    };

    private InboundActivity Rejected(int status, string reason)
    {
        logger.RequestRejected(status, reason);
        return InboundActivity.Reject(status, reason);
    }

    private static async Task<InboundActivity> ReadActivityAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return InboundActivity.Reject(StatusCodes.Status413PayloadTooLarge, "body too large");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return InboundActivity.Reject(StatusCodes.Status413PayloadTooLarge, "body too large");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var activity = JsonSerializer.Deserialize<Activity>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), BotJson.Options);
            return activity is null
                ? InboundActivity.Reject(StatusCodes.Status400BadRequest, "body is not an activity")
                : new InboundActivity(activity, StatusCodes.Status200OK, null);
        }
        catch (JsonException)
        {
            return InboundActivity.Reject(StatusCodes.Status400BadRequest, "body is not valid JSON");
        }
    }

    private sealed record ValidatedToken(
        JsonWebToken? Jwt,
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration? Configuration,
        string? Failure);
}
