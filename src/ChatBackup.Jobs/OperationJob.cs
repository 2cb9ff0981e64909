using ChatBackup.Core.Running;
using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Server;

namespace ChatBackup.Jobs;

/// <summary>
/// One step of an operation. Waiting is never done here: a step that is not finished schedules the
/// next step as a delayed job and returns, so no worker is held while EC2 works.
/// </summary>
public sealed class OperationJob(OperationRunner runner, IBackgroundJobClient jobs)
{
    /// <summary>Retries after an unexpected error; throttling and EC2 faults are handled by the runner without one.</summary>
    public const int Retries = 5;

    [AutomaticRetry(Attempts = Retries, DelaysInSeconds = [2, 5, 15, 60, 300])]
    [JobDisplayName("Operation {0} step {1}")]
    public async Task RunAsync(string operationId, int step, PerformContext? context, CancellationToken cancellationToken)
    {
        RunResult result;
        try
        {
            result = await runner.RunStepAsync(operationId, step, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsLastAttempt(context))
        {
            // Out of retries: the operation is marked failed and its card says so, rather than "running" for ever.
            await runner.FailAsync(operationId, ex, cancellationToken);
            throw;
        }

        if (result is RunResult.RunAgain { Delay.Ticks: <= 0 } now)
        {
            jobs.Create(For(operationId, now.Step), new EnqueuedState());
        }
        else if (result is RunResult.RunAgain later)
        {
            jobs.Create(For(operationId, later.Step), new ScheduledState(later.Delay));
        }
    }

    /// <summary>
    /// The job for one step, built directly rather than from a lambda: Hangfire would otherwise
    /// walk and evaluate an expression tree for every job, which shows at thousands of operations.
    /// </summary>
    public static Job For(string operationId, int step) =>
        new(typeof(OperationJob), RunMethod, operationId, step, null, CancellationToken.None);

    private static readonly MethodInfo RunMethod = typeof(OperationJob).GetMethod(nameof(RunAsync))!;

    private static bool IsLastAttempt(PerformContext? context) =>
        context is null || context.GetJobParameter<int>("RetryCount") >= Retries;
}
