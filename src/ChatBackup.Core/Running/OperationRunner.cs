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
    IChatOutbox outbox,
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

        // Reached also when this job ran the step before and died before telling the chat: the
        // sender compares the record with what the chat was shown, so asking again is harmless.
        outbox.Enqueue(operation);
        return operation switch
        {
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
            outbox.Enqueue(operation);
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
            outbox.Enqueue(expired);
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
                Error = new OperationError(ChatWorks.PrecheckFailed, problem),
                Step = operation.Step + 1,
                Version = operation.Version,
            };
            await SaveAsync(failed, operation, cancellationToken);
            LogFinished(logger, operation.Id, OperationState.Failed, "PrecheckFailed");
            return RunResult.Done;
        }

        var prepared = await SaveAsync(
            outcome.Operation with
            {
                ExpiresAt = now + approvals.Timeout,
                Phase = "Awaiting approval",
                Step = operation.Step + 1,
            },
            operation,
            cancellationToken);
        if (prepared is null)
        {
            LogLostClaim(logger, operation.Id);
            return RunResult.Done;
        }

        outbox.Enqueue(prepared);
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
            outbox.Enqueue(failed);
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

        if (_handlers.TryGetValue(operation.Kind, out var creator) && creator.Creates(operation))
        {
            var attempt = await SaveAsync(operation with { StepAttempts = operation.StepAttempts + 1 }, operation, cancellationToken);
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
            StepOutcome.Failed f when !ChatWorks.HasLiveCard(operation.Kind) => MessageCards.Error(new(f.Error.Message)),
            _ => null,
        };
        if (privateReply is not null)
        {
            await chat.For(operation.Conversation).PostPrivateAsync(operation.Conversation, operation.Requester.UserId, privateReply, cancellationToken);
        }

        var saved = await SaveAsync(next with { Step = operation.Step + 1, StepAttempts = 0 }, operation, cancellationToken);
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

    /// <summary>
    /// Saves a step's result against the record it was computed from, or returns null when another
    /// job moved the operation on. The chat sender writes the same record (card id, lease, replies
    /// sent) at any moment; a conflict with only those changes is merged instead of losing the step.
    /// </summary>
    private async Task<Operation?> SaveAsync(Operation next, Operation basis, CancellationToken cancellationToken)
    {
        while (true)
        {
            var saved = await store.TryUpdateAsync(next with { Version = basis.Version }, cancellationToken);
            if (saved is not null)
            {
                return saved;
            }

            var current = await store.GetAsync(basis.Id, cancellationToken);
            if (current is null
                || current.Step != basis.Step
                || current.State != basis.State
                || current.StepAttempts != basis.StepAttempts
                || current.Approval != basis.Approval)
            {
                return null;
            }

            next = next with
            {
                CardMessageId = current.CardMessageId,
                CardUpdatedAt = current.CardUpdatedAt,
                CardState = current.CardState,
                CardError = current.CardError,
                Sending = current.Sending,
                NotificationSent = current.NotificationSent,
                CopyNotificationSent = current.CopyNotificationSent,
            };
            basis = current;
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {OperationId} does not exist; its job ends")]
    private static partial void LogMissing(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another job moved {OperationId} on first; this one stops")]
    private static partial void LogLostClaim(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EC2 answered {Code} for {OperationId}; looking again later")]
    private static partial void LogRetryable(ILogger logger, string operationId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {OperationId} finished: {State} {Code}")]
    private static partial void LogFinished(ILogger logger, string operationId, OperationState state, string? code);
}
