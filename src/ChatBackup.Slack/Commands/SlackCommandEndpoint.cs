using ChatBackup.Core.Commands;
using ChatBackup.Core.Operations;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Slack.Commands;

/// <summary>
/// <c>POST /slack/commands</c>: a verified slash command becomes a <see cref="ChatCommand"/>; the
/// answer is always HTTP 200 with an ephemeral message, because Slack shows anything else as a failure.
/// See https://docs.slack.dev/interactivity/implementing-slash-commands.
/// </summary>
internal sealed class SlackCommandEndpoint
{
    private SlackCommandEndpoint()
    {
    }

    public static async Task<Results<Ok, SlackMessageResult>> HandleAsync(
        HttpContext context,
        BlockKitRenderer renderer,
        TimeProvider timeProvider,
        ILogger<SlackCommandEndpoint> logger)
    {
        var form = SlackRequest.ReadForm(context);

        // Slack checks the certificate of command URLs with ssl_check=1 posts: nothing to do.
        if (form.Field("ssl_check") == "1")
        {
            return TypedResults.Ok();
        }

        var userId = form.Field("user_id");
        var channelId = form.Field("channel_id");
        if (userId is null || channelId is null)
        {
            logger.CommandFieldMissing(userId is null ? "user_id" : "channel_id");
            return Ephemeral("Sorry, Slack sent this command without a user or channel, so I can't act on it.");
        }

        var teamId = form.Field("team_id");
        var command = new ChatCommand(
            new Requester("slack", userId, form.Field("user_name") ?? userId),
            new ConversationRef("slack", channelId, ResponseUrl: form.Field("response_url"), TeamId: teamId),
            form.Field("text") ?? string.Empty,
            RequestKey: form.Field("trigger_id") is { } triggerId ? $"slack:{teamId}:{triggerId}" : null);

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        budget.CancelAfter(SlackRequest.ResponseBudget);
        try
        {
            var service = context.RequestServices.GetRequiredService<ICommandService>();

            // WaitAsync: answer on time even if the service ignores the token.
            var card = await service.HandleAsync(command, budget.Token).WaitAsync(SlackRequest.ResponseBudget, timeProvider, budget.Token);
            var message = renderer.Render(card);
            return new SlackMessageResult(new SlackResponseMessage(message.Text, message.Blocks, SlackResponseMessage.Ephemeral));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !context.RequestAborted.IsCancellationRequested)
        {
            var errorRef = SlackRequest.NewErrorRef();
            logger.CommandTimedOut(errorRef);
            return Ephemeral($"That took longer than Slack allows, so I stopped. Please try again; use `status` to check whether it started (ref {errorRef}).");
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            var errorRef = SlackRequest.NewErrorRef();
            logger.CommandFailed(errorRef, e);
            return Ephemeral($"Something went wrong (ref {errorRef}). Please try again, or give this reference to your ChatBackup admins.");
        }
    }

    private static SlackMessageResult Ephemeral(string text) =>
        new(new SlackResponseMessage(text, ResponseType: SlackResponseMessage.Ephemeral));
}
