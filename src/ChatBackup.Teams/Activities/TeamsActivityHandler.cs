using System.Security.Cryptography;
using System.Text.Json;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Operations;
using ChatBackup.Teams.AdaptiveCards;
using ChatBackup.Teams.Connector;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Teams.Activities;

/// <summary>
/// Acts on an authenticated activity: messages become <see cref="ChatCommand"/>s, card buttons
/// (<c>adaptiveCard/action</c> invokes, or <c>Action.Submit</c> messages from old clients) become
/// <see cref="ChatAction"/>s, and being added to a conversation posts the help card. Teams wants an
/// answer within 15 s, so every step is bounded and delivery failures are only logged.
/// </summary>
internal sealed class TeamsActivityHandler(
    ICommandService commands,
    IActionService actions,
    TeamsChatGateway gateway,
    AdaptiveCardRenderer renderer,
    ITeamsConversationStore conversations,
    TimeProvider timeProvider,
    ILogger<TeamsActivityHandler> logger)
{
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    /// <summary>Time for the core to answer; leaves room for the reply within Teams' 15 s.</summary>
    public static readonly TimeSpan ServiceBudget = TimeSpan.FromSeconds(8);

    /// <summary>Time for posting the answer back through the Bot Connector.</summary>
    public static readonly TimeSpan DeliveryBudget = TimeSpan.FromSeconds(5);

    private static readonly HashSet<string> KnownVerbs =
        new([CardActions.Approve, CardActions.Reject, CardActions.Cancel, CardActions.Refresh], StringComparer.Ordinal);

    public Task<IResult> HandleAsync(Activity activity, CancellationToken cancellationToken) => activity.Type switch
    {
        "message" when ActionData(activity.Value) is { } submit => HandleSubmitAsync(activity, submit, cancellationToken),
        "message" => HandleMessageAsync(activity, cancellationToken),
        "invoke" when activity.Name == AdaptiveCardActionInvoke => HandleExecuteAsync(activity, cancellationToken),
        "invoke" => NotImplemented(activity),
        "conversationUpdate" when activity.MembersAdded?.Any(m => m.Id is not null && m.Id == activity.Recipient?.Id) == true
            => HandleInstalledAsync(activity, cancellationToken),
        "installationUpdate" when activity.Action?.StartsWith("add", StringComparison.OrdinalIgnoreCase) == true
            => HandleInstalledAsync(activity, cancellationToken),
        _ => Ignored(activity),
    };

    private async Task<IResult> HandleMessageAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (Context(activity) is not { } context)
        {
            return TypedResults.BadRequest();
        }

        var command = new ChatCommand(context.Requester, context.Conversation, ActivityText.ToCommandText(activity.Text), RequestKey: $"teams:{activity.Id}");
        var errorRef = NewErrorRef();
        Card answer;
        try
        {
            answer = await WithinBudget(ct => commands.HandleAsync(command, ct), cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            logger.CommandTimedOut(errorRef);
            answer = MessageCards.Info("That took too long", $"I stopped waiting. Please try again; use status to check whether it started (ref {errorRef}).");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.CommandFailed(errorRef, e);
            answer = MessageCards.Info("Something went wrong", $"Please try again, or give this reference to your ChatBackup admins: {errorRef}.");
        }

        await DeliverAsync("answer", context.Conversation, ct => gateway.PostPrivateAsync(context.Conversation, context.Requester.UserId, answer, ct), cancellationToken);
        return TypedResults.Ok();
    }

    /// <summary>An <c>Action.Submit</c> from a client without Universal Actions: the card is replaced with PUT.</summary>
    private async Task<IResult> HandleSubmitAsync(Activity activity, CardActionData data, CancellationToken cancellationToken)
    {
        if (Context(activity) is not { } context)
        {
            return TypedResults.BadRequest();
        }

        if (!KnownVerbs.Contains(data.Verb) || data.OperationId is null)
        {
            logger.UnknownVerb(data.Verb);
            return TypedResults.Ok();
        }

        ActionReply reply;
        var errorRef = NewErrorRef();
        try
        {
            reply = await WithinBudget(ct => actions.HandleAsync(Action(activity, context, data), ct), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.ActionFailed(errorRef, e);
            reply = new ActionReply(null, MessageCards.Info("Something went wrong", $"Please try again (ref {errorRef})."));
        }

        if (reply.UpdatedCard is { } updated && activity.ReplyToId is { } cardId)
        {
            await DeliverAsync("updated card", context.Conversation, ct => gateway.UpdateCardAsync(context.Conversation, cardId, updated, ct), cancellationToken);
        }

        if (reply.PrivateMessage is { } message)
        {
            await DeliverAsync("reply", context.Conversation, ct => gateway.PostPrivateAsync(context.Conversation, context.Requester.UserId, message, ct), cancellationToken);
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// <c>Action.Execute</c>: the answer is the invoke response itself, a card that replaces the
    /// clicked one or a message only the clicker sees
    /// (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format).
    /// </summary>
    private async Task<IResult> HandleExecuteAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (Context(activity) is not { } context)
        {
            return TypedResults.BadRequest();
        }

        var action = activity.Value is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("action", out var a) ? a : default;
        var verb = String(action, "verb");
        var operationId = action.ValueKind == JsonValueKind.Object && action.TryGetProperty("data", out var data) ? String(data, TeamsCardData.OperationId) : null;
        if (verb is null || !KnownVerbs.Contains(verb))
        {
            logger.UnknownVerb(verb ?? "(none)");
            return Invoke(InvokeResponse.MessageType, "That button is not one I know. The card may be from an older version of ChatBackup.");
        }

        if (operationId is null)
        {
            logger.MalformedActivity("Action.Execute without operationId");
            return Invoke(InvokeResponse.MessageType, "That button does not say which operation it is for.");
        }

        var errorRef = NewErrorRef();
        try
        {
            var reply = await WithinBudget(ct => actions.HandleAsync(Action(activity, context, new CardActionData(verb, operationId)), ct), cancellationToken);
            if (reply.UpdatedCard is { } updated)
            {
                return Invoke(InvokeResponse.CardType, renderer.Render(updated));
            }

            return Invoke(InvokeResponse.MessageType, reply.PrivateMessage is { } message ? PlainText(message) : "Done.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.ActionFailed(errorRef, e);
            return TypedResults.Json(
                new InvokeResponse(StatusCodes.Status500InternalServerError, InvokeResponse.ErrorType, new InvokeError("ChatBackupError", $"Something went wrong (ref {errorRef}). Please try again.")),
                BotJson.Options);
        }
    }

    private async Task<IResult> HandleInstalledAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (Context(activity) is not { } context)
        {
            return TypedResults.BadRequest();
        }

        var conversation = context.Conversation with { ReplyToId = null };

        // Teams may announce one installation twice (installationUpdate and conversationUpdate): greet once.
        if (await conversations.FindAsync(conversation.ChannelId, cancellationToken) is not null)
        {
            await conversations.SaveAsync(conversation, cancellationToken);
            return TypedResults.Ok();
        }

        await conversations.SaveAsync(conversation, cancellationToken);
        logger.BotInstalled(conversation.ChannelId);
        await DeliverAsync("help card", conversation, ct => gateway.PostCardAsync(conversation, MessageCards.Help(), null, ct), cancellationToken);
        return TypedResults.Ok();
    }

    private Task<IResult> NotImplemented(Activity activity)
    {
        logger.InvokeNotImplemented(activity.Name ?? "(none)");
        return Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status501NotImplemented));
    }

    private Task<IResult> Ignored(Activity activity)
    {
        logger.ActivityIgnored(activity.Type ?? "(none)");
        return Task.FromResult<IResult>(TypedResults.Ok());
    }

    private static ChatAction Action(Activity activity, ActivityContext context, CardActionData data) =>
        new(context.Requester, context.Conversation, data.Verb, data.OperationId!, activity.ReplyToId, RequestKey: $"teams:{activity.Id}");

    private ActivityContext? Context(Activity activity)
    {
        var from = activity.From;
        var conversationId = activity.Conversation?.Id;
        var userId = from?.AadObjectId ?? from?.Id;
        if (userId is null || conversationId is null || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            logger.MalformedActivity("no from, conversation or serviceUrl");
            return null;
        }

        var requester = new Requester("teams", userId, from!.Name ?? userId);
        var conversation = new ConversationRef(
            "teams",
            conversationId,
            ServiceUrl: activity.ServiceUrl,
            TenantId: activity.Conversation?.TenantId ?? activity.ChannelData?.Tenant?.Id,
            ReplyToId: activity.Id,
            TeamId: activity.ChannelData?.Team?.Id,
            TeamGroupId: activity.ChannelData?.Team?.AadGroupId);
        return new ActivityContext(requester, conversation);
    }

    /// <summary>The data of an <c>Action.Submit</c> fallback button: <c>{operationId, verb}</c>.</summary>
    private static CardActionData? ActionData(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } data && String(data, TeamsCardData.Verb) is { } verb
            ? new CardActionData(verb, String(data, TeamsCardData.OperationId))
            : null;

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>An invoke's message answer is plain text: the card's title and its text.</summary>
    private static string PlainText(Card card) =>
        string.Join("\n\n", new[] { card.Title }.Concat(card.Blocks.OfType<Core.Cards.TextBlock>().Select(t => t.Text)));

    private static IResult Invoke(string type, object value) =>
        TypedResults.Json(new InvokeResponse(StatusCodes.Status200OK, type, value), BotJson.Options);

    private async Task<T> WithinBudget<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ServiceBudget);

        // WaitAsync: answer on time even if the service ignores the token.
        return await work(budget.Token).WaitAsync(ServiceBudget, timeProvider, budget.Token);
    }

    private async Task DeliverAsync(string what, ConversationRef conversation, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(DeliveryBudget);
        try
        {
            await send(budget.Token);
        }
        catch (Exception e) when (e is ChatDeliveryException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.ReplyFailed(what, conversation.ChannelId, e);
        }
    }

    private static string NewErrorRef() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private sealed record ActivityContext(Requester Requester, ConversationRef Conversation);

    private sealed record CardActionData(string Verb, string? OperationId);
}
