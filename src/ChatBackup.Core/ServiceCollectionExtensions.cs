using ChatBackup.Core.Access;
using ChatBackup.Core.Approvals;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatBackup.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The platform-neutral core: command and action services, the runner and one handler per
    /// operation kind. The host supplies <see cref="RegionSettings"/>, the parser settings, an
    /// <see cref="IOperationQueue"/>, an EC2 gateway and the chat gateways.
    /// </summary>
    public static IServiceCollection AddBackups(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BackupOptions>>().Value);
        services.AddSingleton(sp => new AccessPolicy(sp.GetRequiredService<IOptions<AccessOptions>>().Value));
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>();
        services.TryAddSingleton<IOperationStore, InMemoryOperationStore>();
        services.AddSingleton(sp => new ChatGateways(sp.GetServices<IChatGateway>));
        services.AddSingleton<ChatSender>();
        services.AddSingleton<IChatOutbox>(sp => sp.GetRequiredService<ChatSender>());
        services.AddSingleton<ICommandService, CommandService>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ApprovalOptions>>().Value);
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<IActionService>(sp => sp.GetRequiredService<ApprovalService>());
        services.AddSingleton<OperationRunner>();
        services.AddSingleton<ResourceObserver>();
        services.AddSingleton<ResourcePoller>();
        services.AddSingleton<LocalStepRunner>();
        services.AddSingleton<IDueSteps>(sp => sp.GetRequiredService<LocalStepRunner>());
        services.AddSingleton<IOperationHandler, CreateAmiHandler>();
        services.AddSingleton<IOperationHandler, CreateSnapshotHandler>();
        services.AddSingleton<IOperationHandler, CopyAmiHandler>();
        services.AddSingleton<IOperationHandler, ListAmisHandler>();
        services.AddSingleton<IOperationHandler, ListSnapshotsHandler>();
        AddWithCheck<RestoreSnapshotHandler>(services);
        AddWithCheck<DeleteAmiHandler>(services);
        AddWithCheck<DeleteSnapshotHandler>(services);
        return services;
    }

    /// <summary>One instance serves as both the pre-check before approval and the work after it.</summary>
    private static void AddWithCheck<THandler>(IServiceCollection services)
        where THandler : class, IOperationHandler, IApprovalCheck
    {
        services.AddSingleton<THandler>();
        services.AddSingleton<IOperationHandler>(sp => sp.GetRequiredService<THandler>());
        services.AddSingleton<IApprovalCheck>(sp => sp.GetRequiredService<THandler>());
    }
}
