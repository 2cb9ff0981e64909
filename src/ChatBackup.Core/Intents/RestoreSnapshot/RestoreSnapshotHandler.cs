using System.Globalization;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Ec2;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Options;
using ChatBackup.Core.Running;
using ChatBackup.Core.Waiting;

namespace ChatBackup.Core.Intents.RestoreSnapshot;

/// <summary>
/// Restore: pre-checks before approval; once approved, CreateVolume in the instance's AZ → wait
/// for <c>available</c> → AttachVolume → wait for <c>attached</c>.
/// </summary>
public sealed class RestoreSnapshotHandler(IEc2Gateway ec2, ResourceObserver observer, BackupOptions options, TimeProvider clock) : IOperationHandler, IApprovalCheck
{
    private const string DefaultVolumeType = "gp3";

    /// <summary>EC2's recommended range for attaching EBS volumes to Linux instances.</summary>
    private static readonly string[] FreeDeviceCandidates = [.. "fghijklmnop".Select(c => "/dev/sd" + c)];

    public OperationKind Kind => OperationKind.RestoreSnapshot;

    public bool Creates(Operation operation) => operation.Resource(ResourceKeys.VolumeId) is null;

    public async Task<CheckOutcome> CheckAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (RestoreSnapshotIntent)operation.Intent;
        var problems = new List<string>();
        var facts = new List<Fact>();
        var now = clock.GetUtcNow();

        var snapshots = await ec2.DescribeSnapshotsAsync(operation.Region, new SnapshotQuery(SnapshotIds: [intent.SnapshotId]), cancellationToken);
        if (snapshots.Count == 0)
        {
            return new CheckOutcome(operation, [$"Snapshot {intent.SnapshotId} was not found in {operation.Region}."]);
        }

        var snapshot = snapshots[0];
        facts.Add(new Fact("Snapshot", $"{snapshot.Id} ({Format.GiB(snapshot.SizeGiB)}{(snapshot.StartedAt is { } t ? ", taken " + Format.Age(t, now) : "")})"));
        facts.Add(new Fact("Source volume", snapshot.VolumeId ?? "unknown"));
        facts.Add(new Fact("Encrypted", snapshot.Encrypted ? "yes" : "no"));
        if (!string.IsNullOrWhiteSpace(snapshot.Description))
        {
            facts.Add(new Fact("Description", snapshot.Description));
        }

        if (snapshot.State != SnapshotState.Completed)
        {
            problems.Add($"Snapshot {snapshot.Id} is {snapshot.State.ToString().ToLowerInvariant()}; only a completed snapshot can be restored.");
        }

        var (instance, instanceProblem) = await InstanceResolver.ResolveAsync(ec2, operation.Region, intent.Instance, cancellationToken);
        if (instanceProblem is not null)
        {
            problems.Add(instanceProblem);
            return new CheckOutcome(operation with { Facts = [.. facts] }, problems);
        }

        operation = InstanceResolver.Record(operation, instance!);
        var zone = instance!.AvailabilityZone ?? operation.Region + "a";
        facts.Add(new Fact("Instance", $"{instance.Name ?? instance.Id} ({instance.Id}), {instance.State}, {zone}"));

        var device = intent.Device ?? FreeDeviceCandidates.FirstOrDefault(d => !InUse(instance, d));
        if (device is null)
        {
            problems.Add($"{instance.Id} has no free device name between /dev/sdf and /dev/sdp; name one with --device.");
        }
        else if (intent.Device is not null && InUse(instance, device))
        {
            problems.Add($"Device {device} is already in use on {instance.Id}; choose another with --device or leave it out to take the first free one.");
        }

        var size = intent.SizeGiB ?? snapshot.SizeGiB;
        if (size < snapshot.SizeGiB)
        {
            problems.Add($"--size {size} is smaller than the snapshot ({Format.GiB(snapshot.SizeGiB)}); the volume must be at least as large.");
        }

        var type = intent.VolumeType?.ToEc2Name() ?? DefaultVolumeType;
        problems.AddRange(PerformanceProblems(type, size, intent.Iops, intent.ThroughputMiBps));
        facts.Add(new Fact("New volume", $"{type}, {Format.GiB(size)}{(intent.Iops is { } iops ? $", {iops} IOPS" : "")}{(intent.ThroughputMiBps is { } tp ? $", {tp} MiB/s" : "")}, in {zone}"));
        facts.Add(new Fact("Device", device ?? "none free"));

        var request = VolumeRequest(operation, intent, zone, size, type);
        var create = await ec2.DryRunCreateVolumeAsync(operation.Region, request, cancellationToken);

        // AttachVolume's dry run needs a volume id; the snapshot's source volume stands in, as only the permission answer counts.
        var attach = await ec2.DryRunAttachVolumeAsync(operation.Region, snapshot.VolumeId ?? "vol-00000000", instance.Id, device ?? FreeDeviceCandidates[0], cancellationToken);
        facts.Add(new Fact("Permission check", $"CreateVolume {(create.Permitted ? "allowed" : "refused")}, AttachVolume {(attach.Permitted ? "allowed" : "refused")} (EC2 DryRun)"));
        foreach (var (action, result) in new[] { ("CreateVolume", create), ("AttachVolume", attach) })
        {
            if (!result.Permitted)
            {
                problems.Add($"EC2 refused {action} in a dry run: {result.Code}: {result.Message}");
            }
        }

        operation = operation
            .WithResource(ResourceKeys.AvailabilityZone, zone)
            .WithResource(ResourceKeys.SizeGiB, size.ToString(CultureInfo.InvariantCulture))
            .WithResource(ResourceKeys.VolumeType, type)
            .WithResource(ResourceKeys.SnapshotId, snapshot.Id);
        if (device is not null)
        {
            operation = operation.WithResource(ResourceKeys.Device, device);
        }

        return new CheckOutcome(operation with { Facts = [.. facts] }, problems);
    }

    public async Task<StepOutcome> StepAsync(Operation operation, CancellationToken cancellationToken)
    {
        var intent = (RestoreSnapshotIntent)operation.Intent;
        var instanceId = operation.Resource(ResourceKeys.InstanceId)!;
        var device = operation.Resource(ResourceKeys.Device)!;
        if (operation.Resource(ResourceKeys.VolumeId) is not { } volumeId)
        {
            var existing = operation.StepAttempts > 1
                ? await ec2.FindVolumesByTagsAsync(operation.Region, BackupTagging.ByOperation(operation.Id), cancellationToken)
                : [];
            volumeId = existing.Count > 0
                ? existing[0].Id
                : await ec2.CreateVolumeAsync(
                    operation.Region,
                    VolumeRequest(
                        operation,
                        intent,
                        operation.Resource(ResourceKeys.AvailabilityZone)!,
                        int.Parse(operation.Resource(ResourceKeys.SizeGiB)!, CultureInfo.InvariantCulture),
                        operation.Resource(ResourceKeys.VolumeType) ?? DefaultVolumeType),
                    cancellationToken);
            CrashPoints.Hit(CrashPoints.VolumeCreated);
            return new StepOutcome.Wait(
                operation.WithResource(ResourceKeys.VolumeId, volumeId) with { Phase = $"Creating volume {volumeId}", ProgressPercent = 10 },
                options.PollInterval,
                ResourceRef.Volume(operation.Region, volumeId));
        }

        var watch = ResourceRef.Volume(operation.Region, volumeId);
        var volumes = await observer.VolumesAsync(operation.Region, [volumeId], cancellationToken);
        if (volumes.Count == 0)
        {
            return new StepOutcome.Wait(operation with { Phase = $"Waiting for {volumeId} to appear" }, options.PollInterval, watch);
        }

        var volume = volumes[0];
        var attachment = volume.Attachments.FirstOrDefault(a => a.InstanceId == instanceId);
        if (attachment is { State: "attached" })
        {
            return new StepOutcome.Succeeded(operation with { Phase = "Attached" });
        }

        if (attachment is not null || operation.Resource(ResourceKeys.AttachRequested) is not null && volume.State == "in-use")
        {
            return new StepOutcome.Wait(operation with { Phase = $"Attaching {volumeId} to {instanceId} as {device}", ProgressPercent = 75 }, options.PollInterval, watch);
        }

        switch (volume.State)
        {
            case "creating":
                return new StepOutcome.Wait(operation with { Phase = $"Waiting for {volumeId} to be available", ProgressPercent = 25 }, options.PollInterval, watch);
            case "available":
                try
                {
                    await ec2.AttachVolumeAsync(operation.Region, volumeId, instanceId, device, cancellationToken);
                }
                catch (Ec2Exception ex) when (!ex.IsRetryable)
                {
                    return new StepOutcome.Failed(operation, new OperationError(
                        ex.Code,
                        ex.Message,
                        $"Volume {volumeId} was created but is not attached; attach it by hand or delete it. {Ec2ErrorAdvice.For(ex.Code)}"));
                }

                CrashPoints.Hit(CrashPoints.VolumeAttachRequested);

                return new StepOutcome.Wait(
                    operation.WithResource(ResourceKeys.AttachRequested, "true") with { Phase = $"Attaching {volumeId} to {instanceId} as {device}", ProgressPercent = 60 },
                    options.PollInterval,
                    watch);
            default:
                return new StepOutcome.Failed(operation, new OperationError(
                    "VolumeState",
                    $"Volume {volumeId} is {volume.State}.",
                    $"Volume {volumeId} was left behind in state {volume.State}; check it in the EC2 console."));
        }
    }

    /// <summary>The limits EC2 puts on IOPS and throughput for a volume of this size and type.</summary>
    internal static IEnumerable<string> PerformanceProblems(string type, int size, int? iops, int? throughput)
    {
        var perGiB = type switch { "gp3" => 500, "io1" => 50, "io2" => 1000, _ => 0 };
        if (iops is { } requested && perGiB > 0 && requested > perGiB * size)
        {
            yield return $"{requested} IOPS is more than {type} allows for {Format.GiB(size)} ({perGiB} IOPS per GiB, so at most {perGiB * size}).";
        }

        if (throughput is { } mibps && mibps > (iops ?? 3000) / 4)
        {
            yield return $"{mibps} MiB/s needs at least {mibps * 4} IOPS on gp3 (throughput is at most IOPS / 4).";
        }
    }

    private static CreateVolumeRequest VolumeRequest(Operation operation, RestoreSnapshotIntent intent, string zone, int size, string type) => new(
        zone,
        intent.SnapshotId,
        size,
        type,
        intent.Iops,
        intent.ThroughputMiBps,
        ClientToken: "chatbackup-" + operation.Id + "-volume",
        BackupTagging.For(operation, $"restore-{intent.SnapshotId}", intent.SnapshotId));

    /// <summary>EC2 reports /dev/sdf and /dev/xvdf for the same slot depending on the AMI: treat them alike.</summary>
    private static bool InUse(Ec2Instance instance, string device)
    {
        static string Slot(string d) => d.Replace("/dev/xvd", "/dev/sd", StringComparison.Ordinal).TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return instance.Devices.Any(d => Slot(d) == Slot(device));
    }
}
