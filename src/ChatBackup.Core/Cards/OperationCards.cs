using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Cards;

/// <summary>The one live card of an operation, in each of its states, and the channel notification.</summary>
public static class OperationCards
{
    /// <summary>The card for the operation's current state.</summary>
    public static Card For(Operation operation, DateTimeOffset now) => operation.State switch
    {
        OperationState.AwaitingApproval => ApprovalCards.Request(operation, now),
        OperationState.Rejected or OperationState.Expired or OperationState.Cancelled => ApprovalCards.Closed(operation),
        OperationState.Succeeded => Succeeded(operation),
        OperationState.Failed => Failed(operation, now),
        _ => Progress(operation, now),
    };

    public static Card Progress(Operation operation, DateTimeOffset now)
    {
        var blocks = new List<CardBlock>();
        if (operation.Intent is CreateAmiIntent { NoReboot: false })
        {
            blocks.Add(new TextBlock(
                $"EC2 reboots {InstanceLabel(operation)} while it takes this image, so the file systems are consistent. Use --no-reboot to avoid the reboot.",
                TextStyle.Emphasis));
        }

        if (ApprovalCards.DecisionLine(operation) is { } decided)
        {
            blocks.Add(new TextBlock(decided, TextStyle.Subtle));
        }

        blocks.Add(new TextBlock(operation.Phase ?? StateWords(operation.State)));
        var elapsed = "Elapsed " + Format.Duration(now - (operation.StartedAt ?? operation.CreatedAt));
        blocks.Add(new ProgressBlock(operation.ProgressPercent ?? 0, elapsed));
        blocks.Add(new FactsBlock(Facts(operation)));
        blocks.Add(Footer(operation));
        var title = Describe(operation);
        return new Card(title, CardTone.InProgress, blocks, $"{title}: {StateWords(operation.State)} ({operation.ProgressPercent ?? 0}%)");
    }

    public static Card Succeeded(Operation operation)
    {
        var facts = Facts(operation);
        if (operation.StartedAt is { } started && operation.CompletedAt is { } completed)
        {
            facts.Add(new Fact("Duration", Format.Duration(completed - started)));
        }

        var title = operation.Kind switch
        {
            OperationKind.CreateAmi when operation.Resource(ResourceKeys.CopyImageId) is { } copy => $"AMI {operation.Resource(ResourceKeys.ImageId)} is available, copied to {operation.Resource(ResourceKeys.CopyRegion)} as {copy}",
            OperationKind.CreateAmi => $"AMI {operation.Resource(ResourceKeys.ImageId)} is available",
            OperationKind.CopyAmi => $"AMI copy {operation.Resource(ResourceKeys.CopyImageId)} is available in {operation.Resource(ResourceKeys.CopyRegion)}",
            OperationKind.CreateSnapshot => $"Snapshot {operation.Resource(ResourceKeys.SnapshotId)} is complete",
            OperationKind.RestoreSnapshot => $"Volume {operation.Resource(ResourceKeys.VolumeId)} is attached to {operation.Resource(ResourceKeys.InstanceName) ?? operation.Resource(ResourceKeys.InstanceId)} as {operation.Resource(ResourceKeys.Device)}",
            OperationKind.DeleteAmi => $"AMI {operation.Resource(ResourceKeys.ImageId)} is deregistered",
            OperationKind.DeleteSnapshot => $"Snapshot {operation.Resource(ResourceKeys.SnapshotId)} is deleted",
            _ => $"{Describe(operation)}: done",
        };
        var blocks = new List<CardBlock>();
        if (ApprovalCards.DecisionLine(operation) is { } decided)
        {
            blocks.Add(new TextBlock(decided, TextStyle.Subtle));
        }

        blocks.Add(new FactsBlock(facts));
        blocks.Add(Footer(operation));
        return new Card(title, CardTone.Success, blocks, $"{title} ({operation.Region})");
    }

    public static Card Failed(Operation operation, DateTimeOffset now)
    {
        var error = operation.Error ?? new OperationError("Unknown", "The operation failed without an error from EC2.");
        var blocks = new List<CardBlock>
        {
            new TextBlock($"{error.Code}: {error.Message}", TextStyle.Emphasis),
        };
        if (ApprovalCards.DecisionLine(operation) is { } decided)
        {
            blocks.Add(new TextBlock(decided, TextStyle.Subtle));
        }

        if (error.Hint is { } hint)
        {
            blocks.Add(new TextBlock(hint));
        }

        var facts = Facts(operation);
        facts.Add(new Fact("Failed after", Format.Duration((operation.CompletedAt ?? now) - (operation.StartedAt ?? operation.CreatedAt))));
        blocks.Add(new FactsBlock(facts));
        blocks.Add(Footer(operation));
        var title = $"{Describe(operation)} failed";
        return new Card(title, CardTone.Danger, blocks, $"{title}: {error.Code}");
    }

    /// <summary>The channel-wide message that an AMI (or its cross-region copy) can be launched.</summary>
    public static Card AmiAvailable(Operation operation, bool copy = false)
    {
        var imageId = operation.Resource(copy ? ResourceKeys.CopyImageId : ResourceKeys.ImageId);
        var name = operation.Resource(ResourceKeys.ImageName);
        var region = copy ? operation.Resource(ResourceKeys.CopyRegion) : operation.Region;
        var text = copy
            ? $"AMI copy {imageId} ({name}) is available in {region}, requested by {operation.Requester.DisplayName}."
            : $"AMI {imageId} ({name}) is available in {region}, requested by {operation.Requester.DisplayName}.";
        return new Card(
            "AMI available",
            CardTone.Success,
            [new TextBlock(text), new ContextBlock(operation.Id)],
            text);
    }

    /// <summary>What the requester sees at once when a command was accepted.</summary>
    public static Card Accepted(Operation operation)
    {
        if (operation.State == OperationState.AwaitingApproval)
        {
            var check = $"Checking {Describe(operation)} in {operation.Region} ({operation.Id}); an approval card follows in this channel, or a note to you if the checks fail.";
            return new Card("Checking", CardTone.InProgress, [new TextBlock(check)], check);
        }

        var text = $"Accepted as {operation.Id}: {Describe(operation)} in {operation.Region}.";
        if (operation.Intent is CreateAmiIntent { NoReboot: false })
        {
            text += $" EC2 will reboot {InstanceLabel(operation)}.";
        }

        return new Card("Accepted", CardTone.InProgress, [new TextBlock(text)], text);
    }

    /// <summary>One line that says what the operation does: "AMI of web-01 (i-0abc…)".</summary>
    public static string Describe(Operation operation) => operation.Intent switch
    {
        CreateAmiIntent => $"AMI of {InstanceLabel(operation)}",
        CreateSnapshotIntent s => $"Snapshot of {s.VolumeId}",
        CopyAmiIntent c => $"Copy of {c.ImageId} to {c.ToRegion}",
        RestoreSnapshotIntent r => $"Restore of {r.SnapshotId} to {InstanceLabel(operation)}",
        DeleteAmiIntent d => $"Delete {d.ImageId}",
        DeleteSnapshotIntent d => $"Delete {d.SnapshotId}",
        ListAmisIntent => "List of AMIs",
        ListSnapshotsIntent => "List of snapshots",
        _ => operation.Kind.ToString(),
    };

    public static string StateWords(OperationState state) => state switch
    {
        OperationState.AwaitingApproval => "Awaiting approval",
        OperationState.Queued => "Queued",
        OperationState.Running => "Running",
        OperationState.Succeeded => "Succeeded",
        OperationState.Failed => "Failed",
        OperationState.Rejected => "Rejected",
        OperationState.Expired => "Expired",
        OperationState.Cancelled => "Cancelled",
        _ => state.ToString(),
    };

    private static string InstanceLabel(Operation operation)
    {
        var id = operation.Resource(ResourceKeys.InstanceId);
        var name = operation.Resource(ResourceKeys.InstanceName);
        var asked = operation.Intent switch
        {
            CreateAmiIntent a => a.Instance.Value,
            RestoreSnapshotIntent r => r.Instance.Value,
            _ => null,
        };
        return (name, id) switch
        {
            ({ } n, { } i) => $"{n} ({i})",
            (null, { } i) => i,
            _ => asked ?? "the instance",
        };
    }

    private static List<Fact> Facts(Operation operation)
    {
        var facts = new List<Fact> { new("State", StateWords(operation.State)), new("Region", operation.Region) };
        void Add(string label, string key)
        {
            if (operation.Resource(key) is { } value)
            {
                facts.Add(new Fact(label, value));
            }
        }

        Add("Instance", ResourceKeys.InstanceId);
        Add("AMI", ResourceKeys.ImageId);
        Add("AMI name", ResourceKeys.ImageName);
        Add("Volume", ResourceKeys.VolumeId);
        Add("Snapshot", ResourceKeys.SnapshotId);
        Add("Snapshots", ResourceKeys.SnapshotIds);
        Add("Copy", ResourceKeys.CopyImageId);
        Add("Copy region", ResourceKeys.CopyRegion);
        Add("Device", ResourceKeys.Device);
        Add("Availability Zone", ResourceKeys.AvailabilityZone);
        Add("Volume type", ResourceKeys.VolumeType);
        if (operation.Resource(ResourceKeys.SizeGiB) is { } size)
        {
            facts.Add(new Fact("Size", size + " GiB"));
        }

        facts.Add(new Fact("Requested by", operation.Requester.DisplayName));
        return facts;
    }

    private static ContextBlock Footer(Operation operation) =>
        new($"{operation.Id} · requested by {operation.Requester.DisplayName} · {Format.Time(operation.CreatedAt)}");
}
