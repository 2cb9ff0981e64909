using ChatBackup.Core.Chat;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Slack adapter: <see cref="SlackOptions"/> from the <c>Slack</c> section (validated
    /// at start-up), <see cref="SlackApiClient"/>, <see cref="BlockKitRenderer"/> and
    /// <see cref="SlackChatGateway"/> as an <see cref="IChatGateway"/>. The host provides
    /// <c>ICommandService</c> and <c>IActionService</c>.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The factory's own request logging writes each URL, and a response_url is a credential;
        // SlackLog says what matters (retries, failures) and traces show the requests without it.
        services.AddHttpClient<SlackApiClient>((provider, client) =>
            client.BaseAddress = new Uri(provider.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl))
            .RemoveAllLoggers();

        services.TryAddSingleton<BlockKitRenderer>();
        services.TryAddTransient<SlackChatGateway>();
        services.AddTransient<IChatGateway>(provider => provider.GetRequiredService<SlackChatGateway>());
        services.AddHostedService<SlackStartupCheck>();
        return services;
    }
}

/// <summary>Says once at start-up that Slack is off, so an operator who forgot the secret finds out.</summary>
internal sealed class SlackStartupCheck(IOptions<SlackOptions> options, ILogger<SlackStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            logger.SlackDisabled();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
