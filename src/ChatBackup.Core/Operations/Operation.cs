using System.Collections.Immutable;
using ChatBackup.Core.Intents;

namespace ChatBackup.Core.Operations;

/// <summary>Who asked: platform, the platform's user id, and the name shown in cards.</summary>
public sealed record Requester(string Platform, string UserId, string DisplayName)
{
    /// <summary>The form used in <c>Access:*</c> lists: <c>slack:U0123</c>, <c>teams:&lt;aadObjectId&gt;</c>.</summary>
    public string Key => $"{Platform}:{UserId}";
}

/// <summary>
/// Where to answer. Slack uses the channel (and response URL); Teams its service URL, conversation and tenant.
/// <see cref="TeamGroupId"/> is the Teams team's Microsoft Entra group id (<c>channelData.team.aadGroupId</c>),
/// which Microsoft Graph names a team by; only set in Teams channels.
/// </summary>
public sealed record ConversationRef(
    string Platform,
    string ChannelId,
    string? ResponseUrl = null,
    string? ServiceUrl = null,
    string? TenantId = null,
    string? ReplyToId = null,
    string? TeamId = null,
    string? TeamGroupId = null);

/// <summary>
/// A chat call in flight: what it posts (<see cref="Chat.MessageMark"/> purpose, or <c>update</c>),
/// when it started, and until when no other sender may make it.
/// </summary>
public sealed record ChatSending(string Purpose, DateTimeOffset Since, DateTimeOffset Until);

/// <summary>An error EC2 (or the bot) reported, with what the user can do about it.</summary>
public sealed record OperationError(string Code, string Message, string? Hint = null);

/// <summary>Who decided an approval request, and how.</summary>
public sealed record ApprovalDecision(bool Approved, Requester DecidedBy, DateTimeOffset DecidedAt);

/// <summary>
/// One thing the bot was asked to do, from request to result. Immutable: a change is a new
/// record saved with <see cref="IOperationStore.TryUpdateAsync"/> against the version it was read at.
/// </summary>
public sealed record Operation
{
    public required string Id { get; init; }

    public required OperationKind Kind { get; init; }

    public required Intent Intent { get; init; }

    public required Requester Requester { get; init; }

    public required ConversationRef Conversation { get; init; }

    /// <summary>The region the work runs in (the intent's, else the default).</summary>
    public required string Region { get; init; }

    public required OperationState State { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>A key that identifies the request that created it (for example Slack's trigger id), so a retry creates nothing new.</summary>
    public string? RequestKey { get; init; }

    /// <summary>AWS resources and facts gathered so far, by <see cref="ResourceKeys"/> name.</summary>
    public ImmutableDictionary<string, string> Resources { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The chat message that shows this operation (Slack ts, Teams activity id), once posted.</summary>
    public string? CardMessageId { get; init; }

    public DateTimeOffset? CardUpdatedAt { get; init; }

    /// <summary>The state the card showed when it was last posted or updated.</summary>
    public OperationState? CardState { get; init; }

    public int? ProgressPercent { get; init; }

    /// <summary>What the operation is doing now, in words: "Creating image", "Waiting for ami-… to be available".</summary>
    public string? Phase { get; init; }

    public OperationError? Error { get; init; }

    public ApprovalDecision? Approval { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The channel was told the AMI is available.</summary>
    public bool NotificationSent { get; init; }

    /// <summary>The channel was told the cross-region copy is available.</summary>
    public bool CopyNotificationSent { get; init; }

    /// <summary>
    /// A chat call for this operation that a sender has started and not yet recorded (a lease).
    /// Left behind by a sender that died, it tells the next one that the message may already be
    /// in the conversation, so it looks before posting again.
    /// </summary>
    public ChatSending? Sending { get; init; }

    /// <summary>The chat refused the card for good (for example <c>channel_not_found</c>); no more card posts are tried.</summary>
    public string? CardError { get; init; }

    /// <summary>What the approver is shown: the facts and pre-checks gathered before asking.</summary>
    public ImmutableList<Cards.Fact> Facts { get; init; } = [];

    /// <summary>
    /// How many work steps have completed. A job carries the step it was scheduled for, so a
    /// duplicate or stale job (a retry, another replica) sees it is late and does nothing.
    /// </summary>
    public int Step { get; init; }

    /// <summary>
    /// How many times the current step has started creating an AWS resource. Above one, an earlier
    /// attempt may have created it before dying, so the step looks it up by its operation tag
    /// first; on a first attempt that look-up (one Describe per operation) is skipped.
    /// </summary>
    public int StepAttempts { get; init; }

    /// <summary>The resource the operation waits on; the poller watches it and queues the next step when it changes.</summary>
    public Waiting.ResourceRef? Watching { get; init; }

    /// <summary>Incremented by the store on every successful update.</summary>
    public long Version { get; init; }

    public string? Resource(string key) => Resources.GetValueOrDefault(key);

    public Operation WithResource(string key, string value) => this with { Resources = Resources.SetItem(key, value) };
}

/// <summary>Names of the entries in <see cref="Operation.Resources"/>.</summary>
public static class ResourceKeys
{
    public const string InstanceId = "instanceId";
    public const string InstanceName = "instanceName";
    public const string ImageId = "imageId";
    public const string ImageName = "imageName";
    public const string SnapshotId = "snapshotId";
    public const string SnapshotIds = "snapshotIds";
    public const string VolumeId = "volumeId";
    public const string SizeGiB = "sizeGiB";
    public const string CopyImageId = "copyImageId";
    public const string CopyRegion = "copyRegion";
    public const string Device = "device";
    public const string AvailabilityZone = "availabilityZone";
    public const string VolumeType = "volumeType";
    public const string ImageAvailable = "imageAvailable";
    public const string CopyAvailable = "copyAvailable";
    public const string AttachRequested = "attachRequested";
    public const string DeleteRequested = "deleteRequested";
    public const string DeletedSnapshots = "deletedSnapshots";
}
