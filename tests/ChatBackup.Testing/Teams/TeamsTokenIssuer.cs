using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatBackup.Testing.Teams;

/// <summary>
/// Plays the Bot Framework token service: an RSA signing key, the JWKS (with <c>endorsements</c>)
/// and OpenID metadata that publish it, and tokens with the claims a test chooses.
/// Serve it with <see cref="FakeBotFrameworkServer"/>.
/// </summary>
public sealed class TeamsTokenIssuer : IDisposable
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    private readonly RSA _rsa = RSA.Create(2048);

    public TeamsTokenIssuer(string keyId = "test-key-1", params string[] endorsements)
    {
        KeyId = keyId;
        Endorsements = endorsements.Length == 0 ? ["msteams"] : endorsements;
        Key = new RsaSecurityKey(_rsa) { KeyId = keyId };
    }

    public string KeyId { get; }

    /// <summary>The channels this key may sign for, published in the JWKS.</summary>
    public IReadOnlyList<string> Endorsements { get; set; }

    public RsaSecurityKey Key { get; }

    /// <summary>Issues a token as the Bot Framework would for <paramref name="serviceUrl"/>; every part can be changed.</summary>
    public string CreateToken(
        string audience,
        string? serviceUrl,
        string issuer = BotFrameworkIssuer,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        bool signed = true,
        IDictionary<string, object>? extraClaims = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>(extraClaims ?? new Dictionary<string, object>());
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(30),
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = signed ? new SigningCredentials(Key, algorithm) : null,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The JWKS document: this key with its <c>endorsements</c>.</summary>
    public JsonObject Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["endorsements"] = new JsonArray(Endorsements.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray()),
            }),
        };
    }

    /// <summary>The OpenID metadata document pointing at <paramref name="jwksUri"/>.</summary>
    public static JsonObject Metadata(string jwksUri) => new()
    {
        ["issuer"] = BotFrameworkIssuer,
        ["authorization_endpoint"] = "https://invalid.botframework.com",
        ["jwks_uri"] = jwksUri,
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
    };

    public void Dispose() => _rsa.Dispose();
}
