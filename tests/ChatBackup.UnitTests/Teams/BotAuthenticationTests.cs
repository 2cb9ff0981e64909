using System.Net;
using System.Text;
using ChatBackup.Testing.Teams;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatBackup.UnitTests.Teams;

/// <summary>The inbound JWT matrix of PROTOCOLS §5 against a fake Bot Framework with a test-issued key.</summary>
public sealed class BotAuthenticationTests : IAsyncLifetime
{
    private readonly TeamsTokenIssuer _issuer = new();
    private FakeBotFrameworkServer _botFramework = null!;
    private TeamsTestApp _app = null!;

    private string ServiceUrl => _botFramework.ServiceUrl;

    public async Task InitializeAsync()
    {
        _botFramework = await FakeBotFrameworkServer.StartAsync(_issuer);
        _app = await TeamsTestApp.StartAsync(_botFramework);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _botFramework.DisposeAsync();
        _issuer.Dispose();
    }

    private string ValidToken() => _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl);

    [Fact]
    public async Task ValidToken_IsAccepted_AndTheCommandIsAnsweredInTheConversation()
    {
        using var response = await _app.PostAsync(Activities.Message(ServiceUrl, "ami web-01"), ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_app.Commands.Received);
        var reply = await _botFramework.WaitForAsync("reply");
        Assert.Equal("Bearer " + TeamsTestApp.BotToken, reply.Authorization);
    }

    [Fact]
    public async Task MissingAuthorization_Is401() =>
        await AssertRejectedAsync(null, HttpStatusCode.Unauthorized);

    [Fact]
    public async Task NonBearerScheme_Is401()
    {
        using var response = await _app.PostAsync(Activities.Message(ServiceUrl, "help"), ValidToken(), scheme: "Basic");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertNothingHandled();
    }

    [Fact]
    public async Task WrongAudience_Is401() =>
        await AssertRejectedAsync(_issuer.CreateToken("someone-else", ServiceUrl), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task WrongIssuer_Is401() =>
        await AssertRejectedAsync(_issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl, issuer: "https://evil.example"), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task Expired_Is401() =>
        await AssertRejectedAsync(
            _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl, notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddMinutes(-6)),
            HttpStatusCode.Unauthorized);

    [Fact]
    public async Task ExpiredWithinClockSkew_IsAccepted()
    {
        var token = _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl, notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddMinutes(-3));
        using var response = await _app.PostAsync(Activities.Message(ServiceUrl, "help"), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NotYetValid_Is401() =>
        await AssertRejectedAsync(
            _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl, notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddMinutes(40)),
            HttpStatusCode.Unauthorized);

    [Fact]
    public async Task SignedByAnotherKeyWithTheSameKid_Is401()
    {
        using var impostor = new TeamsTokenIssuer(_issuer.KeyId);
        await AssertRejectedAsync(impostor.CreateToken(TeamsTestApp.AppId, ServiceUrl), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SignedByAnUnknownKey_Is401_AfterAMetadataRefresh()
    {
        using var stranger = new TeamsTokenIssuer("unknown-key");
        await AssertRejectedAsync(stranger.CreateToken(TeamsTestApp.AppId, ServiceUrl), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AlgNone_Is401()
    {
        var unsigned = _issuer.CreateToken(TeamsTestApp.AppId, ServiceUrl, signed: false);
        Assert.Equal("none", new JsonWebToken(unsigned).Alg);
        await AssertRejectedAsync(unsigned, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AlgNoneWithTheRightKid_Is401()
    {
        var payload = new JsonWebToken(ValidToken()).EncodedPayload;
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"none","typ":"JWT","kid":"{{_issuer.KeyId}}"}"""));
        await AssertRejectedAsync($"{header}.{payload}.", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Hs256_Is401()
    {
        var symmetric = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 64))) { KeyId = _issuer.KeyId };
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TeamsTokenIssuer.BotFrameworkIssuer,
            Audience = TeamsTestApp.AppId,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["serviceurl"] = ServiceUrl },
            SigningCredentials = new SigningCredentials(symmetric, SecurityAlgorithms.HmacSha256),
        });
        await AssertRejectedAsync(token, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ServiceUrlClaimMismatch_Is401() =>
        await AssertRejectedAsync(_issuer.CreateToken(TeamsTestApp.AppId, "https://smba.trafficmanager.net/amer/"), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task ServiceUrlClaimMissing_Is401() =>
        await AssertRejectedAsync(_issuer.CreateToken(TeamsTestApp.AppId, serviceUrl: null), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task KeyNotEndorsedForMsTeams_Is403()
    {
        _issuer.Endorsements = ["webchat"];
        await AssertRejectedAsync(ValidToken(), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ActivityFromAnotherChannel_Is403()
    {
        using var response = await _app.PostAsync(Activities.Message(ServiceUrl, "help", channelId: "slack"), ValidToken());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertNothingHandled();
    }

    [Fact]
    public async Task RejectedRequests_NeverReachTheBotConnector()
    {
        await AssertRejectedAsync(_issuer.CreateToken("someone-else", ServiceUrl), HttpStatusCode.Unauthorized);
        Assert.Empty(_botFramework.Calls);
    }

    private async Task AssertRejectedAsync(string? token, HttpStatusCode expected)
    {
        using var response = await _app.PostAsync(Activities.Message(ServiceUrl, "ami web-01"), token);
        Assert.Equal(expected, response.StatusCode);
        AssertNothingHandled();
    }

    private void AssertNothingHandled()
    {
        Assert.Empty(_app.Commands.Received);
        Assert.Empty(_app.Actions.Received);
    }
}
