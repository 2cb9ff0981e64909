using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Cards;

/// <summary>The approval request and what replaces it once decided, expired or withdrawn.</summary>
public static class ApprovalCards
{
    public static Card Request(Operation operation, DateTimeOffset now)
    {
        var title = "Approval needed: " + OperationCards.Describe(operation);
        var blocks = new List<CardBlock>
        {
            new TextBlock(What(operation), TextStyle.Emphasis),
            new FactsBlock([.. operation.Facts]),
            new FactsBlock(
            [
                new Fact("Requested by", operation.Requester.DisplayName),
                new Fact("Region", operation.Region),
                new Fact("Expires", operation.ExpiresAt is { } expires ? $"{Format.Time(expires)} (in {Format.Duration(expires - now)})" : "never"),
            ]),
            new TextBlock($"Only a configured approver other than {operation.Requester.DisplayName} can decide. The first decision counts.", TextStyle.Subtle),
            Footer(operation),
        };
        var buttons = new List<CardButton>
        {
            new(CardActions.Approve, "Approve", operation.Id, ButtonStyle.Primary, new ConfirmDialog(
                "Approve this?", Truncate(What(operation), 300), "Approve", "Back")),
            new(CardActions.Reject, "Reject", operation.Id, ButtonStyle.Danger),
        };
        return new Card(title, CardTone.Warning, blocks, $"{title}, requested by {operation.Requester.DisplayName}", buttons);
    }

    /// <summary>Rejected, expired or cancelled: the request as it was, and who closed it, without buttons.</summary>
    public static Card Closed(Operation operation)
    {
        var (title, line) = operation.State switch
        {
            OperationState.Rejected => ("Rejected: " + OperationCards.Describe(operation), Decision(operation, "Rejected")),
            OperationState.Expired => ("Expired: " + OperationCards.Describe(operation), $"Nobody decided before {Format.Time(operation.ExpiresAt ?? operation.UpdatedAt)}; nothing was done."),
            OperationState.Cancelled => ("Cancelled: " + OperationCards.Describe(operation), $"Withdrawn by {operation.Requester.DisplayName} at {Format.Time(operation.CompletedAt ?? operation.UpdatedAt)}; nothing was done."),
            _ => ("Closed: " + OperationCards.Describe(operation), OperationCards.StateWords(operation.State)),
        };
        var blocks = new List<CardBlock>
        {
            new TextBlock(line, TextStyle.Emphasis),
            new FactsBlock([.. operation.Facts, new Fact("Requested by", operation.Requester.DisplayName)]),
            Footer(operation),
        };
        return new Card(title, CardTone.Neutral, blocks, $"{title}. {line}");
    }

    /// <summary>"Approved by bob at 2026-11-26 12:00 UTC", or null when nobody decided.</summary>
    public static string? DecisionLine(Operation operation) =>
        operation.Approval is { Approved: true } ? Decision(operation, "Approved") : null;

    private static string Decision(Operation operation, string verb) =>
        operation.Approval is { } a ? $"{verb} by {a.DecidedBy.DisplayName} at {Format.Time(a.DecidedAt)}." : verb + ".";

    /// <summary>One sentence of what will happen, for the card and the confirm dialog.</summary>
    public static string What(Operation operation) => operation.Intent switch
    {
        RestoreSnapshotIntent r => $"Create a {operation.Resource(ResourceKeys.VolumeType) ?? "gp3"} volume of {operation.Resource(ResourceKeys.SizeGiB) ?? "?"} GiB from {r.SnapshotId} in {operation.Resource(ResourceKeys.AvailabilityZone) ?? operation.Region} and attach it to {operation.Resource(ResourceKeys.InstanceName) ?? operation.Resource(ResourceKeys.InstanceId)} ({operation.Resource(ResourceKeys.InstanceId)}) as {operation.Resource(ResourceKeys.Device)}.",
        DeleteAmiIntent { KeepSnapshots: true } d => $"Deregister {d.ImageId} and keep its snapshots.",
        DeleteAmiIntent d => $"Deregister {d.ImageId} and delete its snapshots ({operation.Resource(ResourceKeys.SnapshotIds) ?? "none"}).",
        DeleteSnapshotIntent d => $"Delete snapshot {d.SnapshotId}. This cannot be undone.",
        _ => OperationCards.Describe(operation),
    };

    private static ContextBlock Footer(Operation operation) =>
        new($"{operation.Id} · requested by {operation.Requester.DisplayName} · {Format.Time(operation.CreatedAt)}");

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
