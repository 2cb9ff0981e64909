using ChatBackup.Core.Chat;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.AdaptiveCards;
using ChatBackup.Teams.Authentication;
using ChatBackup.Teams.Connector;
using ChatBackup.Teams.Graph;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Teams adapter: <see cref="TeamsOptions"/> from the <c>Teams</c> section (validated
    /// at start-up), Bot Framework authentication, <see cref="ConnectorClient"/>, <see cref="BotTokenProvider"/>,
    /// <see cref="AdaptiveCardRenderer"/>, the Graph look-up of lost posts (<see cref="GraphMessageFinder"/>,
    /// <see cref="GraphTokenProvider"/>), an in-memory <see cref="ITeamsConversationStore"/> and
    /// <see cref="TeamsChatGateway"/> as an <see cref="IChatGateway"/>. The host provides
    /// <c>ICommandService</c> and <c>IActionService</c>. Registrations made before (a token provider,
    /// a durable conversation store) are kept.
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services)
    {
        services.AddOptions<TeamsOptions>()
            .BindConfiguration(TeamsOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(BotFrameworkMetadata.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<BotFrameworkMetadata>();
        services.TryAddSingleton<TrustedServiceUrls>();
        services.TryAddSingleton<BotRequestAuthenticator>();

        services.TryAddSingleton<IBotTokenProvider, BotTokenProvider>();
        services.AddHttpClient<ConnectorClient>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton<AdaptiveCardRenderer>();
        services.TryAddSingleton<IGraphTokenProvider, GraphTokenProvider>();
        services.TryAddSingleton<GraphWarnings>();

        // No redirects: the Graph token goes to Teams:GraphBaseUrl and nowhere else.
        services.AddHttpClient<GraphMessageFinder>(client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.TryAddSingleton<ITeamsConversationStore, InMemoryTeamsConversationStore>();
        services.TryAddTransient<TeamsChatGateway>();
        services.AddTransient<IChatGateway>(provider => provider.GetRequiredService<TeamsChatGateway>());
        services.TryAddTransient<TeamsActivityHandler>();
        services.AddHostedService<TeamsStartupCheck>();
        return services;
    }
}

/// <summary>Says once at start-up that Teams is off, or that it accepts anonymous activities.</summary>
internal sealed class TeamsStartupCheck(IOptions<TeamsOptions> options, ILogger<TeamsStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.TeamsDisabled();
        }
        else if (settings.Anonymous)
        {
            logger.AnonymousMode();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
