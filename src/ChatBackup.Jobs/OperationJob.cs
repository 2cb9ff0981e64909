using ChatBackup.Core.Running;
using Hangfire;

namespace ChatBackup.Jobs;

/// <summary>
/// One step of an operation. Waiting is never done here: a step that is not finished schedules the
/// next step as a delayed job and returns, so no worker is held while EC2 works.
/// </summary>
public sealed class OperationJob(OperationRunner runner, IBackgroundJobClient jobs)
{
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [2, 5, 15, 60, 300], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Operation {0} step {1}")]
    public async Task RunAsync(string operationId, int step, CancellationToken cancellationToken)
    {
        var result = await runner.RunStepAsync(operationId, step, cancellationToken);
        if (result is RunResult.RunAgain again)
        {
            jobs.Schedule<OperationJob>(j => j.RunAsync(operationId, again.Step, CancellationToken.None), again.Delay);
        }
    }
}
