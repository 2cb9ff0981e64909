using ChatBackup.Core.Access;
using ChatBackup.Core.Approvals;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Intents.Cancel;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.Help;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.Parsing;
using ChatBackup.Core.Intents.Status;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Commands;

/// <summary>
/// Parse → authorise → look up what must be known to answer → record → enqueue → answer.
/// Only cheap, read-only EC2 look-ups happen here, each bounded by <see cref="BackupOptions.LookupTimeout"/>.
/// </summary>
public sealed partial class CommandService(
    CommandParser parser,
    AccessPolicy access,
    IOperationStore store,
    IOperationQueue queue,
    IEc2Gateway ec2,
    ApprovalService approvals,
    BackupOptions options,
    RegionSettings regions,
    TimeProvider clock,
    ILogger<CommandService> logger) : ICommandService
{
    private const int StatusListLength = 10;

    public async Task<Card> HandleAsync(ChatCommand command, CancellationToken cancellationToken)
    {
        var parsed = parser.Parse(command.Text);
        if (parsed.Error is { } error)
        {
            return MessageCards.Error(error);
        }

        if (!access.MayRequest(command.Requester))
        {
            LogRefused(logger, command.Requester.Key);
            return MessageCards.Error(new CommandError(
                $"You are not allowed to run ChatBackup commands. Ask an operator to add {command.Requester.Key} to Access:Requesters."));
        }

        var intent = parsed.Intent!;
        return intent switch
        {
            HelpIntent => MessageCards.Help(),
            StatusIntent status => await StatusAsync(command, status, cancellationToken),
            CancelIntent cancel => await CancelAsync(command, cancel, cancellationToken),
            { NeedsApproval: true } when NoOtherApprover(command.Requester) is { } problem => MessageCards.Error(problem),
            { Kind: not null } => await StartAsync(command, intent, cancellationToken),
            _ => MessageCards.Help(),
        };
    }

    private async Task<Card> StartAsync(ChatCommand command, Intent intent, CancellationToken cancellationToken)
    {
        var region = intent.Region ?? regions.DefaultRegion;
        var operation = new Operation
        {
            Id = OperationId.New(),
            Kind = intent.Kind!.Value,
            Intent = intent,
            Requester = command.Requester,
            Conversation = command.Conversation,
            Region = region,
            // Requests that need approval are checked by their first step, which then asks.
            State = intent.NeedsApproval ? OperationState.AwaitingApproval : OperationState.Queued,
            Phase = intent.NeedsApproval ? "Checking before asking for approval" : null,
            CreatedAt = clock.GetUtcNow(),
            RequestKey = command.RequestKey,
        };

        var (looked, problem) = await LookUpAsync(operation, cancellationToken);
        if (problem is not null)
        {
            return MessageCards.Error(problem);
        }

        var (stored, created) = await store.AddAsync(looked, cancellationToken);
        if (!created)
        {
            LogDuplicate(logger, stored.Id);
            return OperationCards.Accepted(stored);
        }

        await queue.EnqueueAsync(stored.Id, stored.Step, cancellationToken);
        LogAccepted(logger, stored.Id, stored.Kind, stored.Requester.Key);
        return OperationCards.Accepted(stored);
    }

    /// <summary>
    /// Resolves what the requester must hear about at once: an instance name that matches nothing or
    /// several instances, a volume that does not exist. When EC2 is slow the look-up is left to the job.
    /// </summary>
    private async Task<(Operation Operation, CommandError? Problem)> LookUpAsync(Operation operation, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.LookupTimeout);
        try
        {
            switch (operation.Intent)
            {
                case CreateAmiIntent ami:
                    var (instance, problem) = await InstanceResolver.ResolveAsync(ec2, operation.Region, ami.Instance, budget.Token);
                    if (problem is not null)
                    {
                        return (operation, new CommandError(problem, Usage.Ami));
                    }

                    return (InstanceResolver.Record(operation, instance!), null);

                case CreateSnapshotIntent snapshot:
                    var volumes = await ec2.DescribeVolumesAsync(operation.Region, [snapshot.VolumeId], budget.Token);
                    return volumes.Count == 0
                        ? (operation, new CommandError($"Volume {snapshot.VolumeId} was not found in {operation.Region}.", Usage.Snapshot))
                        : (operation.WithResource(ResourceKeys.VolumeId, snapshot.VolumeId), null);

                default:
                    return (operation, null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogLookupDeferred(logger, operation.Id);
            return (operation, null);
        }
        catch (Ec2Exception ex) when (ex.Kind is Ec2FaultKind.NotFound)
        {
            return (operation, new CommandError($"{ex.Code}: {ex.Message}", null));
        }
        catch (Ec2Exception ex) when (ex.Kind is Ec2FaultKind.Unauthorized)
        {
            return (operation, new CommandError($"The bot may not look this up in {operation.Region}: {ex.Code}. {Ec2ErrorAdvice.For(ex.Code)}", null));
        }
        catch (Ec2Exception ex) when (ex.IsRetryable)
        {
            LogLookupDeferred(logger, operation.Id);
            return (operation, null);
        }
    }

    private async Task<Card> StatusAsync(ChatCommand command, StatusIntent status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (status.OperationId is { } id)
        {
            var operation = await store.GetAsync(id, cancellationToken);
            return operation is null || operation.Conversation.Platform != command.Conversation.Platform
                ? MessageCards.Error(new CommandError($"No operation {id}.", Usage.Status))
                : MessageCards.StatusDetail(operation, now);
        }

        var recent = await store.ListRecentAsync(command.Conversation.Platform, command.Conversation.ChannelId, StatusListLength * 3, cancellationToken);
        var shown = recent.Where(o => o.Kind is not (OperationKind.ListAmis or OperationKind.ListSnapshots)).Take(StatusListLength).ToList();
        return MessageCards.StatusList(shown, now);
    }

    private async Task<Card> CancelAsync(ChatCommand command, CancelIntent cancel, CancellationToken cancellationToken)
    {
        var operation = await store.GetAsync(cancel.OperationId, cancellationToken);
        if (operation is null || operation.Conversation.Platform != command.Conversation.Platform)
        {
            return MessageCards.Error(new CommandError($"No operation {cancel.OperationId}.", Usage.Cancel));
        }

        var reply = await approvals.CancelAsync(operation, command.Requester, cancellationToken);
        return reply.PrivateMessage ?? OperationCards.For(operation, clock.GetUtcNow());
    }

    /// <summary>A request that nobody could approve is refused at once instead of waiting to expire.</summary>
    private CommandError? NoOtherApprover(Requester requester) =>
        access.HasApproverOtherThan(requester)
            ? null
            : new CommandError(
                $"Nobody can approve this: Access:Approvers has no approver other than you ({requester.Key}). Ask an operator to configure a second person.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a command from {User}: not in Access:Requesters")]
    private static partial void LogRefused(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {OperationId} ({Kind}) for {User}")]
    private static partial void LogAccepted(ILogger logger, string operationId, OperationKind kind, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Repeated request for {OperationId}: nothing new created")]
    private static partial void LogDuplicate(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EC2 look-up for {OperationId} was slow or throttled; the job will do it")]
    private static partial void LogLookupDeferred(ILogger logger, string operationId);
}
