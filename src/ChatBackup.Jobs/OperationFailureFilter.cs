using ChatBackup.Core.Running;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBackup.Jobs;

/// <summary>
/// When a step has failed every retry, the operation is marked failed and its card says so,
/// instead of showing "running" for ever.
/// </summary>
public sealed class OperationFailureFilter(IServiceProvider services) : JobFilterAttribute, IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not FailedState failed
            || context.BackgroundJob.Job?.Type != typeof(OperationJob)
            || context.BackgroundJob.Job.Args.Count < 1
            || context.BackgroundJob.Job.Args[0] is not string operationId)
        {
            return;
        }

        var runner = services.GetRequiredService<OperationRunner>();
        runner.FailAsync(operationId, failed.Exception, CancellationToken.None).GetAwaiter().GetResult();
    }
}
