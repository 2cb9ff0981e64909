namespace ChatBackup.Core.Operations;

public enum OperationState
{
    AwaitingApproval,
    Rejected,
    Expired,
    Cancelled,
    Queued,
    Running,
    Succeeded,
    Failed,
}

public static class OperationStates
{
    public static bool IsFinal(this OperationState state) =>
        state is OperationState.Rejected or OperationState.Expired or OperationState.Cancelled
            or OperationState.Succeeded or OperationState.Failed;

    /// <summary>The only moves an operation may make; a store refuses any other.</summary>
    public static bool CanMoveTo(this OperationState from, OperationState to) => (from, to) switch
    {
        // Failed: the pre-checks refused before anyone was asked.
        (OperationState.AwaitingApproval, OperationState.Queued or OperationState.Rejected
            or OperationState.Expired or OperationState.Cancelled or OperationState.Failed) => true,
        (OperationState.Queued, OperationState.Running or OperationState.Failed or OperationState.Succeeded) => true,
        (OperationState.Running, OperationState.Succeeded or OperationState.Failed) => true,
        _ => from == to,
    };
}
