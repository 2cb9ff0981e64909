using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.IntegrationTests.Infrastructure;
using ChatBackup.Teams.Connector;
using ChatBackup.Testing.Ec2;
using ChatBackup.Testing.Moto;
using ChatBackup.Testing.Slack;
using ChatBackup.Testing.Teams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ChatBackup.IntegrationTests.Host;

/// <summary>
/// Everything the whole app logs, at Trace and in every category (ours, ASP.NET Core, HttpClient,
/// Hangfire, IdentityModel), while it handles signed, forged and token-bearing requests: no
/// secret, token or signature may appear in a message, a structured value, a scope or an exception.
/// </summary>
[Collection(MotoFixture.Collection)]
public sealed class LogSafetyTests : IAsyncLifetime
{
    private const string AppId = "00000000-0000-0000-0000-00000000b07a";

    private readonly TeamsTokenIssuer _issuer = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly string _botToken = "xoxb-" + Random(12);
    private readonly string _appPassword = "pw~" + Random(16);
    private readonly string _outboundTeamsToken = "eyJ0eXAi.outbound." + Random(16);
    private RecordingSlackServer _slack = null!;
    private FakeBotFrameworkServer _botFramework = null!;
    private ChatBackupApp _app = null!;

    public async Task InitializeAsync()
    {
        _slack = await RecordingSlackServer.StartAsync();
        _botFramework = await FakeBotFrameworkServer.StartAsync(_issuer);
        var ec2 = new FakeEc2Gateway();
        ec2.AddInstance(ChatBackupApp.Region, "web-01");
        _app = ChatBackupApp.WithFake(_slack, ec2, new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = _botToken,
            ["Teams:AppId"] = AppId,
            ["Teams:AppPassword"] = _appPassword,
            ["Teams:OpenIdMetadataUrl"] = _botFramework.OpenIdMetadataUrl,
        });
        _app.TestServices = services =>
        {
            services.AddLogging(logging => logging.AddProvider(_logs));

            // After the host's own filters from configuration: nothing is filtered out.
            services.Configure<LoggerFilterOptions>(options =>
            {
                options.Rules.Clear();
                options.MinLevel = LogLevel.Trace;
            });

            // Stands in for Entra ID, which would otherwise be asked for a token with the app password.
            services.RemoveAll<IBotTokenProvider>();
            services.AddSingleton<IBotTokenProvider>(new StaticTokenProvider(_outboundTeamsToken));
        };
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _botFramework.DisposeAsync();
        await _slack.DisposeAsync();
        _issuer.Dispose();
    }

    [Fact]
    public async Task NoSecretTokenOrSignature_ReachesTheLogs()
    {
        var secrets = new Dictionary<string, string>
        {
            ["Slack signing secret"] = _app.SigningSecret,
            ["Slack bot token"] = _botToken,
            ["Teams app password"] = _appPassword,
            ["Teams outbound token"] = _outboundTeamsToken,
        };
        using var client = _app.CreateClient();

        // A signed command that runs to the end: Web API calls with the bot token, a job, card updates;
        // the bot is not in the channel, so the requester is also answered through the response_url,
        // which is itself a credential.
        var responseUrlKey = "cmd-" + Random(12);
        secrets["Slack response_url"] = responseUrlKey;
        _slack.FailNext("chat.postMessage", "not_in_channel");
        var command = Signed(secrets, _app.Signer.Command(new SlackCommandFields("ami web-01 --no-reboot", TriggerId: "trigger-1", ResponseUrl: _slack.ResponseUrl(responseUrlKey))));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(command)).StatusCode);
        var op = await _app.WaitForFinalAsync(Assert.Single(await _app.OperationsAsync()).Id);
        Assert.Contains(_slack.Calls, c => c.ResponseUrlId == responseUrlKey);

        // A click on the operation's card, answered through its response_url.
        var click = Signed(secrets, _app.Signer.Interaction(SlackRequestSigner.BlockActionsPayload(
            CardActions.Refresh, op.Id, messageTs: op.CardMessageId, responseUrl: _slack.ResponseUrl("refresh"))));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(click)).StatusCode);

        // A forged request: a well-formed signature made with the wrong secret.
        var forged = new SlackRequestSigner(Random(16)).Command(new SlackCommandFields("ami web-01") { TriggerId = "trigger-2" });
        Signed(secrets, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);

        // Teams: a valid bearer token, and the same token with its signature broken.
        var jwt = _issuer.CreateToken(AppId, _botFramework.ServiceUrl);
        secrets["Teams JWT"] = jwt;
        secrets["Teams JWT signature"] = jwt[(jwt.LastIndexOf('.') + 1)..];
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(TeamsMessage(jwt, "help"))).StatusCode);
        await _botFramework.WaitForAsync(c => c.Succeeded);
        var broken = jwt[..^4] + (jwt.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        secrets["broken Teams JWT"] = broken;
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(TeamsMessage(broken, "status"))).StatusCode);

        var entries = _logs.Entries;
        Assert.True(entries.Count > 50, $"expected the run to log at Trace, captured {entries.Count} entries");
        var leaks = (from entry in entries
                     from secret in secrets
                     where entry.Text.Contains(secret.Value, StringComparison.Ordinal)
                     select $"{secret.Key} in {entry.Category} ({entry.Level})").Distinct().ToList();
        Assert.True(leaks.Count == 0, "Logged: " + string.Join("; ", leaks));
    }

    /// <summary>Adds the request's <c>X-Slack-Signature</c>, whole and its hex digest alone, to <paramref name="secrets"/>.</summary>
    private static HttpRequestMessage Signed(Dictionary<string, string> secrets, HttpRequestMessage request)
    {
        var signature = request.Headers.GetValues("X-Slack-Signature").Single();
        secrets[$"X-Slack-Signature #{secrets.Count}"] = signature;
        secrets[$"X-Slack-Signature digest #{secrets.Count}"] = signature["v0=".Length..];
        return request;
    }

    private HttpRequestMessage TeamsMessage(string token, string text)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = "1700000000" + Random(2),
            ["serviceUrl"] = _botFramework.ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "29:1user", ["name"] = "Ada Lovelace", ["aadObjectId"] = "6f1f8f55-0000-4000-8000-00000000ada1" },
            ["recipient"] = new JsonObject { ["id"] = "28:" + AppId, ["name"] = "ChatBackup" },
            ["conversation"] = new JsonObject { ["id"] = "19:ops@thread.tacv2", ["conversationType"] = "channel", ["tenantId"] = "tenant-1" },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
            ["text"] = text,
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private sealed class StaticTokenProvider(string token) : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(token);
    }
}
