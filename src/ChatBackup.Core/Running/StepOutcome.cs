using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Running;

/// <summary>What one step of an operation's work came to.</summary>
public abstract record StepOutcome(Operation Operation)
{
    /// <summary>
    /// Not finished. With <paramref name="Watch"/>, the poller watches that resource with every
    /// other waiting operation's and queues the next step when it changes; without, the next step
    /// runs after <paramref name="Delay"/>.
    /// </summary>
    public sealed record Wait(Operation Operation, TimeSpan Delay, Waiting.ResourceRef? Watch = null) : StepOutcome(Operation);

    /// <param name="Reply">A result only the requester needs (a listing), sent privately.</param>
    public sealed record Succeeded(Operation Operation, Cards.Card? Reply = null) : StepOutcome(Operation);

    public sealed record Failed(Operation Operation, OperationError Error) : StepOutcome(Operation);
}

/// <summary>The work of one kind of operation, done a step at a time. Each step must be safe to run twice.</summary>
public interface IOperationHandler
{
    OperationKind Kind { get; }

    /// <summary>
    /// Whether this step of <paramref name="operation"/> creates an AWS resource. The runner then
    /// records the attempt before the work, so a repeated attempt knows to look for what the
    /// first one may have made (see <see cref="Operation.StepAttempts"/>).
    /// </summary>
    bool Creates(Operation operation) => false;

    Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken);
}

/// <summary>What the job scheduler must do next for an operation.</summary>
public abstract record RunResult
{
    public sealed record Finished : RunResult;

    public sealed record RunAgain(int Step, TimeSpan Delay) : RunResult;

    /// <summary>Waiting on a resource: the poller queues the next step; nothing to schedule.</summary>
    public sealed record Watched : RunResult;

    public static readonly RunResult Watching = new Watched();

    public static readonly RunResult Done = new Finished();
}

/// <summary>Facts and pre-checks gathered before an approval is asked for; any problem stops the request.</summary>
public sealed record CheckOutcome(Operation Operation, IReadOnlyList<string> Problems);

/// <summary>The pre-checks of an operation that needs approval (restore, delete).</summary>
public interface IApprovalCheck
{
    OperationKind Kind { get; }

    /// <summary>
    /// Gathers what the approver must see into <see cref="Operation.Facts"/> and <see cref="Operation.Resources"/>,
    /// and lists what makes the request impossible (EC2 refusing the DryRun, a device in use…).
    /// </summary>
    Task<CheckOutcome> CheckAsync(Operation operation, CancellationToken cancellationToken);
}
