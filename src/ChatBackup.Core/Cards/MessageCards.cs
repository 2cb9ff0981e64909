using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Cards;

/// <summary>Cards that answer a command directly: help, errors, status and listings.</summary>
public static class MessageCards
{
    private static readonly (string Usage, string What)[] HelpLines =
    [
        (Usage.Ami, "Take an AMI of an instance (by id or Name tag); optionally copy it to another region."),
        (Usage.Snapshot, "Take an EBS snapshot of a volume."),
        (Usage.Copy, "Copy an AMI to another region."),
        (Usage.Restore, "Restore a snapshot as a new volume attached to an instance (needs approval)."),
        (Usage.ListAmis, "List AMIs, newest first."),
        (Usage.ListSnapshots, "List snapshots, newest first."),
        (Usage.Status, "This channel's recent operations, or one in detail."),
        (Usage.DeleteAmi, "Deregister an AMI and delete its snapshots (needs approval)."),
        (Usage.DeleteSnapshot, "Delete a snapshot (needs approval)."),
        (Usage.Cancel, "Withdraw a request of yours that is still awaiting approval."),
        (Usage.Help, "This list."),
    ];

    public static Card Help()
    {
        var blocks = new List<CardBlock>
        {
            new TextBlock("Back up and restore EC2 from this channel. Values with spaces go in quotes."),
        };
        foreach (var (usage, what) in HelpLines)
        {
            blocks.Add(new TextBlock(usage, TextStyle.Monospace));
            blocks.Add(new TextBlock(what, TextStyle.Subtle));
        }

        blocks.Add(new ContextBlock("Restores and deletes wait for a second person to approve."));
        return new Card("ChatBackup commands", CardTone.Neutral, blocks, "ChatBackup commands: " + string.Join("; ", HelpLines.Select(l => l.Usage)));
    }

    public static Card Error(CommandError error)
    {
        var blocks = new List<CardBlock> { new TextBlock(error.Problem) };
        if (error.Usage is { } usage)
        {
            blocks.Add(new TextBlock("Usage: " + usage, TextStyle.Monospace));
        }

        blocks.Add(new ContextBlock("Type help for every command."));
        return new Card("That didn't work", CardTone.Warning, blocks, error.Problem);
    }

    public static Card Info(string title, string text) =>
        new(title, CardTone.Neutral, [new TextBlock(text)], text);

    public static Card StatusList(IReadOnlyList<Operation> operations, DateTimeOffset now)
    {
        if (operations.Count == 0)
        {
            return Info("Recent operations", "No operations in this conversation yet.");
        }

        var rows = operations
            .Select(o => (IReadOnlyList<string>)[o.Id, OperationCards.Describe(o), OperationCards.StateWords(o.State), Format.Age(o.CreatedAt, now)])
            .ToList();
        var blocks = new List<CardBlock>
        {
            new TableBlock(["Operation", "What", "State", "Started"], rows),
            new ContextBlock("status <operation-id> shows one in detail."),
        };
        return new Card("Recent operations", CardTone.Neutral, blocks, $"{operations.Count} recent operations");
    }

    public static Card StatusDetail(Operation operation, DateTimeOffset now)
    {
        var card = OperationCards.For(operation, now);
        return card with { Buttons = [] };
    }

    public static Card Amis(string region, IReadOnlyList<Ec2Image> images, DateTimeOffset now)
    {
        if (images.Count == 0)
        {
            return Info($"AMIs in {region}", "No AMIs found.");
        }

        var rows = images
            .Select(i => (IReadOnlyList<string>)
            [
                i.Id,
                i.Name,
                i.State.ToString().ToLowerInvariant(),
                i.CreatedAt is { } c ? Format.Age(c, now) : "",
                i.Tags.GetValueOrDefault(BackupTags.Source) ?? i.SourceInstanceId ?? "",
            ])
            .ToList();
        return new Card(
            $"AMIs in {region}",
            CardTone.Neutral,
            [new TableBlock(["AMI", "Name", "State", "Created", "Source"], rows)],
            $"{images.Count} AMIs in {region}");
    }

    public static Card Snapshots(string region, IReadOnlyList<Ec2Snapshot> snapshots, DateTimeOffset now)
    {
        if (snapshots.Count == 0)
        {
            return Info($"Snapshots in {region}", "No snapshots found.");
        }

        var rows = snapshots
            .Select(s => (IReadOnlyList<string>)
            [
                s.Id,
                s.VolumeId ?? "",
                Format.GiB(s.SizeGiB),
                s.State == SnapshotState.Pending && s.ProgressPercent is { } p ? $"pending {p}%" : s.State.ToString().ToLowerInvariant(),
                s.StartedAt is { } t ? Format.Age(t, now) : "",
            ])
            .ToList();
        return new Card(
            $"Snapshots in {region}",
            CardTone.Neutral,
            [new TableBlock(["Snapshot", "Volume", "Size", "State", "Started"], rows)],
            $"{snapshots.Count} snapshots in {region}");
    }
}
