using ChatBackup.Core.Ec2;
using ChatBackup.Core.Intents;
using ChatBackup.Core.Operations;

namespace ChatBackup.Core.Commands;

/// <summary>Turns an instance id or Name tag into exactly one instance, or says why it cannot.</summary>
public static class InstanceResolver
{
    public static async Task<(Ec2Instance? Instance, string? Problem)> ResolveAsync(
        IEc2Gateway ec2, string region, InstanceRef instance, CancellationToken cancellationToken)
    {
        var found = await ec2.FindInstancesAsync(region, instance.Value, cancellationToken);
        return found.Count switch
        {
            1 => (found[0], null),
            0 when instance.IsId => (null, $"Instance {instance.Value} was not found in {region}."),
            0 => (null, $"No instance in {region} has the Name tag '{instance.Value}'."),
            _ => (null, $"'{instance.Value}' matches {found.Count} instances in {region}: "
                + string.Join(", ", found.Select(i => $"{i.Id} ({i.State})"))
                + ". Use an instance id."),
        };
    }

    public static Operation Record(Operation operation, Ec2Instance instance)
    {
        var recorded = operation.WithResource(ResourceKeys.InstanceId, instance.Id);
        return instance.Name is { } name ? recorded.WithResource(ResourceKeys.InstanceName, name) : recorded;
    }
}
