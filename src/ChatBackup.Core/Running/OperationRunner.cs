using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Core.Running;

/// <summary>
/// Runs one step of an operation and keeps its card and notification in line with its state.
/// A step is claimed by saving <see cref="Operation.Step"/> + 1 against the version it read, so
/// a duplicate job (a retry, a second replica) loses the save and stops instead of working twice.
/// </summary>
public sealed partial class OperationRunner(
    IOperationStore store,
    IEnumerable<IOperationHandler> handlers,
    IEnumerable<IApprovalCheck> checks,
    ChatGateways chat,
    BackupOptions options,
    ApprovalOptions approvals,
    TimeProvider clock,
    ILogger<OperationRunner> logger)
{
    private readonly Dictionary<OperationKind, IOperationHandler> _handlers = handlers.ToDictionary(h => h.Kind);
    private readonly Dictionary<OperationKind, IApprovalCheck> _checks = checks.ToDictionary(c => c.Kind);

    public async Task<RunResult> RunStepAsync(string operationId, int step, CancellationToken cancellationToken)
    {
        var operation = await store.GetAsync(operationId, cancellationToken);
        if (operation is null)
        {
            LogMissing(logger, operationId);
            return RunResult.Done;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["OperationId"] = operationId, ["Step"] = step });
        if (operation.State == OperationState.AwaitingApproval)
        {
            return await AwaitApprovalAsync(operation, step, cancellationToken);
        }

        var delay = options.PollInterval;
        if (operation.Step == step && operation.State is OperationState.Queued or OperationState.Running)
        {
            var (worked, wait) = await WorkAsync(operation, cancellationToken);
            if (worked is null)
            {
                return RunResult.Done;
            }

            (operation, delay) = (worked, wait);
        }
        else if (operation.Step != step + 1 && !operation.State.IsFinal())
        {
            // Another job is ahead of this one: it owns the operation now.
            return RunResult.Done;
        }

        // Reached also when this job ran the step before and died before telling the chat:
        // publishing is idempotent, so it is simply done again.
        operation = await PublishAsync(operation, cancellationToken);
        return operation switch
        {
            // Another job holds the lease on a notification: look again once it has expired, so
            // a notification whose sender died is still sent.
            _ when NotificationPending(operation) => new RunResult.RunAgain(operation.Step, PublishLease),
            { State: OperationState.AwaitingApproval } => RunResult.Done,
            _ when operation.State.IsFinal() => RunResult.Done,
            { Watching: not null } => RunResult.Watching,
            _ => new RunResult.RunAgain(operation.Step, delay),
        };
    }

    /// <summary>
    /// Before approval: the first step runs the pre-checks and posts the approval card; the step
    /// scheduled for the expiry time expires the request unless a decision moved it on first.
    /// </summary>
    private async Task<RunResult> AwaitApprovalAsync(Operation operation, int step, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (operation.ExpiresAt is not { } expiresAt)
        {
            return operation.Step == step ? await PrepareAsync(operation, cancellationToken) : RunResult.Done;
        }

        if (operation.Step != step && operation.Step != step + 1)
        {
            return RunResult.Done;
        }

        if (operation.CardMessageId is null)
        {
            // The request was prepared but its card never made it out (a crash, a chat outage).
            operation = await PostCardAsync(operation, now, cancellationToken);
        }

        if (operation.Step != step || now < expiresAt)
        {
            return new RunResult.RunAgain(operation.Step, expiresAt > now ? expiresAt - now : TimeSpan.Zero);
        }

        var (expired, changed) = await store.UpdateAsync(
            operation.Id,
            o => o.State == OperationState.AwaitingApproval && o.Step == step
                ? o with { State = OperationState.Expired, CompletedAt = now, Step = step + 1, Phase = "Expired" }
                : null,
            cancellationToken);
        if (changed)
        {
            LogFinished(logger, expired!.Id, expired.State, null);
            await PublishAsync(expired, cancellationToken);
        }

        return RunResult.Done;
    }

    private async Task<RunResult> PrepareAsync(Operation operation, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        CheckOutcome outcome;
        try
        {
            outcome = _checks.TryGetValue(operation.Kind, out var check)
                ? await check.CheckAsync(operation, cancellationToken)
                : new CheckOutcome(operation, [$"This version cannot check {operation.Kind} requests."]);
        }
        catch (Ec2Exception ex) when (ex.IsRetryable)
        {
            LogRetryable(logger, operation.Id, ex.Code);
            return new RunResult.RunAgain(operation.Step, options.PollInterval * 2);
        }
        catch (Ec2Exception ex)
        {
            outcome = new CheckOutcome(operation, [$"{ex.Code}: {ex.Message} {Ec2ErrorAdvice.For(ex.Code)}"]);
        }

        if (outcome.Problems.Count > 0)
        {
            var problem = string.Join(" ", outcome.Problems);
            await chat.For(operation.Conversation).PostPrivateAsync(
                operation.Conversation,
                operation.Requester.UserId,
                MessageCards.Error(new($"{OperationCards.Describe(operation)} cannot be requested, so nobody was asked to approve it: {problem}")),
                cancellationToken);
            var failed = outcome.Operation with
            {
                State = OperationState.Failed,
                CompletedAt = now,
                Phase = "Pre-checks failed",
                Error = new OperationError("PrecheckFailed", problem),
                Step = operation.Step + 1,
                Version = operation.Version,
            };
            await store.TryUpdateAsync(failed, cancellationToken);
            LogFinished(logger, operation.Id, OperationState.Failed, "PrecheckFailed");
            return RunResult.Done;
        }

        var prepared = await store.TryUpdateAsync(
            outcome.Operation with
            {
                ExpiresAt = now + approvals.Timeout,
                Phase = "Awaiting approval",
                Step = operation.Step + 1,
                Version = operation.Version,
            },
            cancellationToken);
        if (prepared is null)
        {
            LogLostClaim(logger, operation.Id);
            return RunResult.Done;
        }

        prepared = await PostCardAsync(prepared, now, cancellationToken);
        return new RunResult.RunAgain(prepared.Step, approvals.Timeout);
    }

    /// <summary>Marks an operation failed after its job gave up, and shows that on its card.</summary>
    public async Task FailAsync(string operationId, Exception? cause, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (failed, changed) = await store.UpdateAsync(
            operationId,
            o => o.State is OperationState.Queued or OperationState.Running
                ? o with
                {
                    State = OperationState.Failed,
                    CompletedAt = now,
                    Phase = "Failed",
                    Watching = null,
                    Error = new OperationError(
                        cause is Ec2Exception ec2 ? ec2.Code : "InternalError",
                        cause is Ec2Exception or ChatDeliveryException ? cause.Message : "The bot hit an unexpected error and gave up after retrying.",
                        "Check the bot's logs for this operation id; no further attempts will be made."),
                }
                : null,
            cancellationToken);
        if (changed && failed is not null)
        {
            LogFinished(logger, failed.Id, failed.State, failed.Error?.Code);
            await PublishAsync(failed, cancellationToken);
        }
    }

    /// <summary>Does the step's work and claims it; null when another job claimed it first.</summary>
    private async Task<(Operation? Operation, TimeSpan Delay)> WorkAsync(Operation operation, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (operation.State == OperationState.Queued)
        {
            operation = operation with { State = OperationState.Running, StartedAt = now, Phase = "Starting" };
        }

        if (HasLiveCard(operation.Kind) && operation.CardMessageId is null)
        {
            operation = await PostCardAsync(operation, now, cancellationToken);
        }

        if (_handlers.TryGetValue(operation.Kind, out var creator) && creator.Creates(operation))
        {
            var attempt = await store.TryUpdateAsync(operation with { StepAttempts = operation.StepAttempts + 1 }, cancellationToken);
            if (attempt is null)
            {
                LogLostClaim(logger, operation.Id);
                return (null, TimeSpan.Zero);
            }

            operation = attempt;
        }

        var outcome = await RunHandlerAsync(operation, cancellationToken);
        var next = outcome switch
        {
            StepOutcome.Succeeded s => s.Operation with
            {
                State = OperationState.Succeeded, CompletedAt = now, ProgressPercent = 100, Phase = "Done", Watching = null,
            },
            StepOutcome.Failed f => f.Operation with { State = OperationState.Failed, CompletedAt = now, Error = f.Error, Phase = "Failed", Watching = null },
            StepOutcome.Wait w when now - (w.Operation.StartedAt ?? now) > options.WaitCeiling => w.Operation with
            {
                State = OperationState.Failed,
                Watching = null,
                CompletedAt = now,
                Phase = "Failed",
                Error = new OperationError(
                    "WaitCeilingReached",
                    $"Still not finished after {Format.Duration(options.WaitCeiling)} (Backup:WaitCeiling). Last known: {w.Operation.Phase ?? "pending"}, {w.Operation.ProgressPercent ?? 0}%.",
                    "Check the resource in the EC2 console; it may still finish. Raise Backup:WaitCeiling for slow copies."),
            },
            StepOutcome.Wait w => w.Operation with { Watching = w.Watch },
            _ => outcome.Operation,
        };

        var privateReply = outcome switch
        {
            StepOutcome.Succeeded { Reply: { } reply } => reply,
            StepOutcome.Failed f when !HasLiveCard(operation.Kind) => MessageCards.Error(new(f.Error.Message)),
            _ => null,
        };
        if (privateReply is not null)
        {
            await chat.For(operation.Conversation).PostPrivateAsync(operation.Conversation, operation.Requester.UserId, privateReply, cancellationToken);
        }

        var saved = await store.TryUpdateAsync(next with { Step = operation.Step + 1, StepAttempts = 0, Version = operation.Version }, cancellationToken);
        if (saved is null)
        {
            LogLostClaim(logger, operation.Id);
            return (null, TimeSpan.Zero);
        }

        CrashPoints.Hit(saved.State.IsFinal() ? CrashPoints.OperationFinished : CrashPoints.StepSaved);
        if (saved.State.IsFinal())
        {
            LogFinished(logger, saved.Id, saved.State, saved.Error?.Code);
        }

        return (saved, outcome is StepOutcome.Wait wait ? wait.Delay : options.PollInterval);
    }

    private async Task<StepOutcome> RunHandlerAsync(Operation operation, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(operation.Kind, out var handler))
        {
            return new StepOutcome.Failed(operation, new OperationError("NotSupported", $"This version cannot run {operation.Kind} operations."));
        }

        try
        {
            return await handler.StepAsync(operation, cancellationToken);
        }
        catch (Ec2Exception ex) when (ex.IsRetryable)
        {
            // Throttling and transient faults never fail an operation: back off and look again.
            LogRetryable(logger, operation.Id, ex.Code);
            return new StepOutcome.Wait(operation, options.PollInterval * 2, operation.Watching);
        }
        catch (Ec2Exception ex)
        {
            return new StepOutcome.Failed(operation, new OperationError(ex.Code, ex.Message, Ec2ErrorAdvice.For(ex.Code)));
        }
    }

    private async Task<Operation> PostCardAsync(Operation operation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var id = await chat.For(operation.Conversation).PostCardAsync(operation.Conversation, OperationCards.For(operation, now), new MessageMark(operation.Id, MessageMark.Card), cancellationToken);
            CrashPoints.Hit(CrashPoints.CardPosted);
            var (saved, _) = await store.UpdateAsync(
                operation.Id,
                o => o with { CardMessageId = id, CardUpdatedAt = now, CardState = operation.State },
                cancellationToken);
            var posted = saved ?? operation;
            return operation with { CardMessageId = id, CardUpdatedAt = now, CardState = operation.State, Version = posted.Version };
        }
        catch (ChatDeliveryException ex) when (!ex.IsRetryable)
        {
            // The work goes on without a card; the requester was told by the adapter where it could.
            LogCardFailed(logger, operation.Id, ex.Code);
            return operation;
        }
    }

    /// <summary>Brings the card up to date (throttled, except for state changes) and sends the AMI notification once.</summary>
    private async Task<Operation> PublishAsync(Operation operation, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var gateway = chat.For(operation.Conversation);
        if (operation.CardMessageId is { } messageId
            && (operation.CardState != operation.State
                || operation.CardUpdatedAt is null
                || now - operation.CardUpdatedAt.Value >= options.CardUpdateInterval))
        {
            try
            {
                await gateway.UpdateCardAsync(operation.Conversation, messageId, OperationCards.For(operation, now), cancellationToken);
                var shown = operation.State;
                operation = (await store.UpdateAsync(
                    operation.Id,
                    o => o with { CardUpdatedAt = now, CardState = shown },
                    cancellationToken)).Operation ?? operation;
            }
            catch (ChatDeliveryException ex) when (!ex.IsRetryable)
            {
                LogCardFailed(logger, operation.Id, ex.Code);
            }
        }

        // The AMI can be launched as soon as it is available, even while its copy goes on.
        if (operation is { Kind: OperationKind.CreateAmi, NotificationSent: false } && operation.Resource(ResourceKeys.ImageAvailable) is not null)
        {
            operation = await NotifyOnceAsync(
                operation,
                o => o.NotificationSent,
                o => o with { NotificationSent = true },
                OperationCards.AmiAvailable(operation),
                cancellationToken);
        }

        if (operation is { CopyNotificationSent: false } && operation.Resource(ResourceKeys.CopyAvailable) is not null)
        {
            operation = await NotifyOnceAsync(
                operation,
                o => o.CopyNotificationSent,
                o => o with { CopyNotificationSent = true },
                OperationCards.AmiAvailable(operation, copy: true),
                cancellationToken);
        }

        return operation;
    }

    /// <summary>
    /// Posts a notification unless it was sent or another job is sending it right now: the sender
    /// first takes a lease on the operation with a conditional write, so two jobs publishing the
    /// same operation at once (a retry overlapping a slow first attempt) post it once. A lease left
    /// by a process that died expires after <c>PublishLease</c>, and the next job sends it.
    /// </summary>
    private async Task<Operation> NotifyOnceAsync(
        Operation operation, Func<Operation, bool> sent, Func<Operation, Operation> markSent, Card card, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (leased, won) = await store.UpdateAsync(
            operation.Id,
            o => !sent(o) && (o.PublishingSince is not { } since || now - since >= PublishLease) ? o with { PublishingSince = now } : null,
            cancellationToken);
        if (!won)
        {
            return leased ?? operation;
        }

        await chat.For(operation.Conversation).PostNotificationAsync(operation.Conversation, operation.CardMessageId, card, null, cancellationToken);
        CrashPoints.Hit(CrashPoints.NotificationPosted);
        var (saved, _) = await store.UpdateAsync(operation.Id, o => markSent(o) with { PublishingSince = null }, cancellationToken);
        LogNotified(logger, operation.Id);
        return saved ?? operation;
    }

    /// <summary>
    /// How long a job may take to post a notification before another job may try instead: long
    /// enough for a post waiting its turn in the channel's pace, short enough that a notification
    /// whose sender died is sent by the next job soon after.
    /// </summary>
    private TimeSpan PublishLease => TimeSpan.FromTicks(Math.Max(options.PollInterval.Ticks * 4, TimeSpan.FromSeconds(10).Ticks));

    private static bool NotificationPending(Operation operation) =>
        (operation is { Kind: OperationKind.CreateAmi, NotificationSent: false } && operation.Resource(ResourceKeys.ImageAvailable) is not null)
        || (operation is { CopyNotificationSent: false } && operation.Resource(ResourceKeys.CopyAvailable) is not null);

    private static bool HasLiveCard(OperationKind kind) => kind is not (OperationKind.ListAmis or OperationKind.ListSnapshots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {OperationId} does not exist; its job ends")]
    private static partial void LogMissing(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another job moved {OperationId} on first; this one stops")]
    private static partial void LogLostClaim(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EC2 answered {Code} for {OperationId}; looking again later")]
    private static partial void LogRetryable(ILogger logger, string operationId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not show the card of {OperationId}: {Code}")]
    private static partial void LogCardFailed(ILogger logger, string operationId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {OperationId} finished: {State} {Code}")]
    private static partial void LogFinished(ILogger logger, string operationId, OperationState state, string? code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Told the channel that the AMI of {OperationId} is available")]
    private static partial void LogNotified(ILogger logger, string operationId);
}
