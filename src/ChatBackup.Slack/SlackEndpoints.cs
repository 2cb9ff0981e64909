using ChatBackup.Slack.Commands;
using ChatBackup.Slack.Interactions;
using ChatBackup.Slack.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatBackup.Slack;

public static class SlackEndpoints
{
    /// <summary>
    /// Maps <c>POST /slack/commands</c> and <c>POST /slack/interactions</c>. Every request passes the
    /// signature filter first; while <c>Slack:SigningSecret</c> is unset both answer 404.
    /// </summary>
    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack")
            .AddEndpointFilter<SlackSignatureFilter>()
            .DisableAntiforgery()
            .ExcludeFromDescription();

        slack.MapPost("/commands", SlackCommandEndpoint.HandleAsync).WithName("SlackCommands");
        slack.MapPost("/interactions", SlackInteractionEndpoint.HandleAsync).WithName("SlackInteractions");
        return app;
    }
}
