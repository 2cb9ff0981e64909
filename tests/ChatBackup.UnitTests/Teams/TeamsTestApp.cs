using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Teams;
using ChatBackup.Teams.Connector;
using ChatBackup.Testing.Teams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.UnitTests.Teams;

/// <summary>A web app with only the Teams endpoint, fake core services and a fake Bot Framework.</summary>
public sealed class TeamsTestApp : IAsyncDisposable
{
    public const string AppId = "00000000-0000-0000-0000-00000000b07a";
    public const string BotToken = "test-bot-token";

    private readonly WebApplication _app;

    private TeamsTestApp(WebApplication app, FakeBotFrameworkServer botFramework, HttpClient client, FakeCommandService commands, FakeActionService actions)
    {
        _app = app;
        BotFramework = botFramework;
        Client = client;
        Commands = commands;
        Actions = actions;
    }

    public FakeCommandService Commands { get; }

    public FakeActionService Actions { get; }

    public FakeBotFrameworkServer BotFramework { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TeamsTestApp> StartAsync(FakeBotFrameworkServer botFramework, bool anonymous = false, string? tenantId = null, bool disabled = false)
    {
        var commands = new FakeCommandService();
        var actions = new FakeActionService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Teams:AppId"] = anonymous || disabled ? null : AppId,
            ["Teams:AppPassword"] = anonymous || disabled ? null : "secret",
            ["Teams:TenantId"] = tenantId,
            ["Teams:AllowAnonymous"] = anonymous ? "true" : "false",
            ["Teams:OpenIdMetadataUrl"] = botFramework.OpenIdMetadataUrl,
        });
        builder.Services.AddSingleton<IBotTokenProvider>(new StaticTokenProvider(anonymous ? null : BotToken));
        builder.Services.AddTeams();
        builder.Services.AddSingleton<ICommandService>(commands);
        builder.Services.AddSingleton<IActionService>(actions);
        var app = builder.Build();
        app.MapTeamsEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TeamsTestApp(app, botFramework, new HttpClient { BaseAddress = new Uri(address) }, commands, actions);
    }

    /// <summary>Posts an activity to <c>/api/messages</c> with <paramref name="token"/> as its bearer token (none when null).</summary>
    public Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token, string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class FakeCommandService : ICommandService
    {
        public ConcurrentQueue<ChatCommand> Received { get; } = new();

        public Func<ChatCommand, CancellationToken, Task<Card>> Answer { get; set; } =
            (_, _) => Task.FromResult(new Card("Queued", CardTone.InProgress, [new ChatBackup.Core.Cards.TextBlock("ok")], "Queued"));

        public Task<Card> HandleAsync(ChatCommand command, CancellationToken cancellationToken)
        {
            Received.Enqueue(command);
            return Answer(command, cancellationToken);
        }
    }

    public sealed class FakeActionService : IActionService
    {
        public ConcurrentQueue<ChatAction> Received { get; } = new();

        public Func<ChatAction, CancellationToken, Task<ActionReply>> Answer { get; set; } = (_, _) => Task.FromResult(new ActionReply(null, null));

        public Task<ActionReply> HandleAsync(ChatAction action, CancellationToken cancellationToken)
        {
            Received.Enqueue(action);
            return Answer(action, cancellationToken);
        }
    }

    private sealed class StaticTokenProvider(string? token) : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult(token);
    }
}
