using System.Text.Json;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Operations;
using ChatBackup.Slack.BlockKit;
using ChatBackup.Slack.SlackClient;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Slack.Interactions;

/// <summary>
/// <c>POST /slack/interactions</c>: a verified button click becomes a <see cref="ChatAction"/>. The
/// reply is applied with cheap Slack calls inside the response budget, then Slack gets an empty 200.
/// </summary>
internal sealed class SlackInteractionEndpoint
{
    private static readonly HashSet<string> KnownActions =
        new([CardActions.Approve, CardActions.Reject, CardActions.Cancel, CardActions.Refresh], StringComparer.Ordinal);

    private SlackInteractionEndpoint()
    {
    }

    public static async Task<Results<Ok, BadRequest<string>>> HandleAsync(
        HttpContext context,
        BlockKitRenderer renderer,
        SlackApiClient api,
        TimeProvider timeProvider,
        ILogger<SlackInteractionEndpoint> logger)
    {
        var form = SlackRequest.ReadForm(context);
        if (form.Field("payload") is not { } json)
        {
            logger.MalformedInteraction("no payload field");
            return TypedResults.BadRequest("Missing payload");
        }

        InteractionPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<InteractionPayload>(json, SlackJson.Options);
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload is null)
        {
            logger.MalformedInteraction("payload is not a JSON object");
            return TypedResults.BadRequest("Malformed payload");
        }

        if (payload.Type != "block_actions")
        {
            logger.InteractionIgnored(payload.Type ?? "(none)");
            return TypedResults.Ok();
        }

        var action = payload.Actions is { Count: > 0 } actions ? actions[0] : null;
        var userId = payload.User?.Id;
        var channelId = payload.Container?.ChannelId ?? payload.Channel?.Id;
        if (action?.ActionId is null || userId is null || channelId is null)
        {
            logger.MalformedInteraction("block_actions without action, user or channel");
            return TypedResults.BadRequest("Malformed payload");
        }

        if (!KnownActions.Contains(action.ActionId))
        {
            logger.UnknownAction(action.ActionId);
            return TypedResults.Ok();
        }

        var teamId = payload.Team?.Id ?? payload.User?.TeamId;
        var conversation = new ConversationRef("slack", channelId, ResponseUrl: payload.ResponseUrl, TeamId: teamId);
        var messageTs = payload.Container?.MessageTs;
        var chatAction = new ChatAction(
            new Requester("slack", userId, payload.User?.Name ?? payload.User?.Username ?? userId),
            conversation,
            action.ActionId,
            action.Value ?? string.Empty,
            messageTs,
            RequestKey: action.ActionTs is { } actionTs ? $"slack:{teamId}:{actionTs}" : null);

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        budget.CancelAfter(SlackRequest.ResponseBudget);
        ActionReply reply;
        try
        {
            var service = context.RequestServices.GetRequiredService<IActionService>();
            reply = await service.HandleAsync(chatAction, budget.Token).WaitAsync(SlackRequest.ResponseBudget, timeProvider, budget.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !context.RequestAborted.IsCancellationRequested)
        {
            var errorRef = SlackRequest.NewErrorRef();
            logger.InteractionTimedOut(errorRef);
            await TellClickerAsync(api, payload.ResponseUrl, $"That took longer than Slack allows (ref {errorRef}). Please try again.", logger, context.RequestAborted);
            return TypedResults.Ok();
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            var errorRef = SlackRequest.NewErrorRef();
            logger.InteractionFailed(errorRef, e);
            await TellClickerAsync(api, payload.ResponseUrl, $"Something went wrong (ref {errorRef}).", logger, context.RequestAborted);
            return TypedResults.Ok();
        }

        var ephemeral = payload.Container?.IsEphemeral == true;
        if (reply.UpdatedCard is { } updated)
        {
            await ApplyAsync("updated card", logger, () => UpdateClickedMessageAsync(api, renderer.Render(updated), conversation, ephemeral ? null : messageTs, budget.Token));
        }

        if (reply.PrivateMessage is { } privateCard)
        {
            await ApplyAsync("private message", logger, () => PostPrivateAsync(api, renderer.Render(privateCard), conversation, userId, budget.Token));
        }

        return TypedResults.Ok();
    }

    private static Task UpdateClickedMessageAsync(SlackApiClient api, SlackMessage message, ConversationRef conversation, string? messageTs, CancellationToken cancellationToken)
    {
        // chat.update cannot edit ephemeral messages; response_url can replace them.
        if (messageTs is not null)
        {
            return api.UpdateAsync(conversation.ChannelId, messageTs, message.Text, message.Blocks, cancellationToken);
        }

        return conversation.ResponseUrl is { } url
            ? api.PostToResponseUrlAsync(url, new SlackResponseMessage(message.Text, message.Blocks, ReplaceOriginal: true), cancellationToken)
            : throw new InvalidOperationException("The click has neither a message ts nor a response_url.");
    }

    private static async Task PostPrivateAsync(SlackApiClient api, SlackMessage message, ConversationRef conversation, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await api.PostEphemeralAsync(conversation.ChannelId, userId, message.Text, message.Blocks, cancellationToken);
        }
        catch (SlackApiException) when (conversation.ResponseUrl is not null)
        {
            // The interaction's response_url always reaches the clicker, even where the bot is not a member.
            await api.PostToResponseUrlAsync(
                conversation.ResponseUrl,
                new SlackResponseMessage(message.Text, message.Blocks, SlackResponseMessage.Ephemeral, ReplaceOriginal: false),
                cancellationToken);
        }
    }

    private static Task TellClickerAsync(SlackApiClient api, string? responseUrl, string text, ILogger logger, CancellationToken cancellationToken)
    {
        if (responseUrl is null)
        {
            return Task.CompletedTask;
        }

        // Bounded separately: the main budget may already be spent.
        return ApplyAsync("error message", logger, async () =>
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromMilliseconds(400));
            await api.PostToResponseUrlAsync(
                responseUrl,
                new SlackResponseMessage(text, ResponseType: SlackResponseMessage.Ephemeral, ReplaceOriginal: false),
                cts.Token);
        });
    }

    /// <summary>Slack has the click already; a failed follow-up is logged, never turned into an error status.</summary>
    private static async Task ApplyAsync(string what, ILogger logger, Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (Exception e)
        {
            logger.ReplyDeliveryFailed(what, e);
        }
    }
}
