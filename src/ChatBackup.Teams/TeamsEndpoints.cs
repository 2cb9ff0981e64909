using ChatBackup.Teams.Activities;
using ChatBackup.Teams.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBackup.Teams;

public static class TeamsEndpoints
{
    /// <summary>
    /// Maps <c>POST /api/messages</c>, the Bot Framework messaging endpoint. Every request is
    /// authenticated before its body is used; while Teams is disabled the route answers 404.
    /// </summary>
    public static IEndpointRouteBuilder MapTeamsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", HandleAsync)
            .WithName("TeamsMessages")
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IOptions<TeamsOptions> options, BotRequestAuthenticator authenticator)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.NotFound();
        }

        var inbound = await authenticator.AuthenticateAsync(context.Request, context.RequestAborted);
        if (inbound.Activity is not { } activity)
        {
            return TypedResults.StatusCode(inbound.StatusCode);
        }

        // Resolved only now: nothing of the core runs for a rejected request.
        var handler = context.RequestServices.GetRequiredService<TeamsActivityHandler>();
        return await handler.HandleAsync(activity, context.RequestAborted);
    }
}
