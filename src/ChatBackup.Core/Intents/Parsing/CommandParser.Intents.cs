using ChatBackup.Core.Intents.Cancel;
using ChatBackup.Core.Intents.CopyAmi;
using ChatBackup.Core.Intents.CreateAmi;
using ChatBackup.Core.Intents.CreateSnapshot;
using ChatBackup.Core.Intents.DeleteAmi;
using ChatBackup.Core.Intents.DeleteSnapshot;
using ChatBackup.Core.Intents.ListBackups;
using ChatBackup.Core.Intents.RestoreSnapshot;
using ChatBackup.Core.Intents.Status;

using static ChatBackup.Core.Intents.Parsing.CommandSyntax;

namespace ChatBackup.Core.Intents.Parsing;

/// <summary>One method per command: check every value, then build the intent. The first problem found is reported.</summary>
public sealed partial class CommandParser
{
    private ParseResult Ami(Arguments args)
    {
        var instance = args.Positionals[0];
        var name = args.Get("name");
        var region = args.Get("region");
        var copyTo = args.Get("copy-to");

        var problem = ValueRules.Instance(instance)
            ?? Check(name, ValueRules.AmiName)
            ?? RegionProblem(region)
            ?? RegionProblem(copyTo)
            ?? (copyTo is not null && copyTo == region
                ? $"--copy-to {copyTo} is the region the AMI is made in; name another region to copy it to."
                : null);

        return problem is null
            ? ParseResult.Success(new CreateAmiIntent(new InstanceRef(instance), name, args.Has("no-reboot"), region, copyTo))
            : ParseResult.Failure(problem, Usage.Ami);
    }

    private ParseResult Snapshot(Arguments args)
    {
        var volume = args.Positionals[0];
        var description = args.Get("description");
        var region = args.Get("region");

        var problem = ValueRules.VolumeId(volume)
            ?? Check(description, ValueRules.Description)
            ?? RegionProblem(region);

        return problem is null
            ? ParseResult.Success(new CreateSnapshotIntent(volume, description, region))
            : ParseResult.Failure(problem, Usage.Snapshot);
    }

    private ParseResult Copy(Arguments args)
    {
        var image = args.Positionals[0];
        var to = args.Get("to");
        var name = args.Get("name");
        var kmsKey = args.Get("kms-key");
        var encrypted = args.Has("encrypted");
        var region = args.Get("region");

        var problem = ValueRules.ImageId(image)
            ?? (to is null ? "copy needs --to <region>." : RegionProblem(to))
            ?? Check(name, ValueRules.AmiName)
            ?? Check(kmsKey, ValueRules.KmsKey)
            ?? (kmsKey is not null && !encrypted ? "--kms-key needs --encrypted: the key only applies to an encrypted copy." : null)
            ?? RegionProblem(region)
            ?? (region is not null && to == region
                ? $"--to {to} is the same as the source --region; copy to another region."
                : null);

        return problem is null
            ? ParseResult.Success(new CopyAmiIntent(image, to!, name, encrypted, kmsKey, region))
            : ParseResult.Failure(problem, Usage.Copy);
    }

    private ParseResult Restore(Arguments args)
    {
        var snapshot = args.Positionals[0];
        var instance = args.Get("instance");
        var device = args.Get("device");
        var rawType = args.Get("type");
        var region = args.Get("region");

        VolumeType? type = null;
        string? typeProblem = null;
        if (rawType is not null)
        {
            type = VolumeTypes.TryParse(rawType, out var parsed) ? parsed : null;
            typeProblem = type is null
                ? $"Unknown volume type {Show(rawType)}: use one of {string.Join(", ", Enum.GetValues<VolumeType>().Select(t => t.ToEc2Name()))}."
                : null;
        }

        var (size, sizeProblem) = Number(args.Get("size"), "--size", 1, ValueRules.MaxVolumeSizeGiB, $"a whole number of GiB from 1 to {ValueRules.MaxVolumeSizeGiB}");
        var (iops, iopsProblem) = Number(args.Get("iops"), "--iops", 1, int.MaxValue, "a positive whole number");
        var (throughput, throughputProblem) = Number(args.Get("throughput"), "--throughput", 1, int.MaxValue, "a positive whole number of MiB/s");

        var problem = ValueRules.SnapshotId(snapshot)
            ?? (instance is null ? "restore needs --instance <instance>." : ValueRules.Instance(instance))
            ?? Check(device, ValueRules.Device)
            ?? typeProblem
            ?? sizeProblem
            ?? iopsProblem
            ?? throughputProblem
            ?? RegionProblem(region)
            ?? PerformanceProblem(type, iops, throughput);

        return problem is null
            ? ParseResult.Success(new RestoreSnapshotIntent(snapshot, new InstanceRef(instance!), device, type, size, iops, throughput, region))
            : ParseResult.Failure(problem, Usage.Restore);
    }

    private ParseResult ListAmis(Arguments args)
    {
        var instance = args.Get("instance");
        var region = args.Get("region");
        var (limit, limitProblem) = Limit(args.Get("limit"));

        var problem = Check(instance, ValueRules.Instance)
            ?? RegionProblem(region)
            ?? limitProblem;

        return problem is null
            ? ParseResult.Success(new ListAmisIntent(ToInstanceRef(instance), region, limit))
            : ParseResult.Failure(problem, Usage.ListAmis);
    }

    private ParseResult ListSnapshots(Arguments args)
    {
        var volume = args.Get("volume");
        var instance = args.Get("instance");
        var region = args.Get("region");
        var (limit, limitProblem) = Limit(args.Get("limit"));

        var problem = Check(volume, ValueRules.VolumeId)
            ?? Check(instance, ValueRules.Instance)
            ?? RegionProblem(region)
            ?? limitProblem;

        return problem is null
            ? ParseResult.Success(new ListSnapshotsIntent(volume, ToInstanceRef(instance), region, limit))
            : ParseResult.Failure(problem, Usage.ListSnapshots);
    }

    private static ParseResult Status(Arguments args)
    {
        var operation = args.Positionals.Count == 0 ? null : args.Positionals[0];
        return Check(operation, ValueRules.OperationId) is { } problem
            ? ParseResult.Failure(problem, Usage.Status)
            : ParseResult.Success(new StatusIntent(operation));
    }

    private ParseResult DeleteAmi(Arguments args)
    {
        var image = args.Positionals[0];
        var region = args.Get("region");

        var problem = ValueRules.ImageId(image) ?? RegionProblem(region);
        return problem is null
            ? ParseResult.Success(new DeleteAmiIntent(image, args.Has("keep-snapshots"), region))
            : ParseResult.Failure(problem, Usage.DeleteAmi);
    }

    private ParseResult DeleteSnapshot(Arguments args)
    {
        var snapshot = args.Positionals[0];
        var region = args.Get("region");

        var problem = ValueRules.SnapshotId(snapshot) ?? RegionProblem(region);
        return problem is null
            ? ParseResult.Success(new DeleteSnapshotIntent(snapshot, region))
            : ParseResult.Failure(problem, Usage.DeleteSnapshot);
    }

    private static ParseResult Cancel(Arguments args)
    {
        var operation = args.Positionals[0];
        return ValueRules.OperationId(operation) is { } problem
            ? ParseResult.Failure(problem, Usage.Cancel)
            : ParseResult.Success(new CancelIntent(operation));
    }

    /// <summary>Known to EC2 first (catches typos even where every region is allowed), then allowed here.</summary>
    private string? RegionProblem(string? region)
    {
        if (region is null)
        {
            return null;
        }

        if (!AwsRegions.IsKnown(region))
        {
            var hint = AwsRegions.IsKnown(region.ToLowerInvariant()) ? $" Did you mean '{region.ToLowerInvariant()}'?" : string.Empty;
            return $"Unknown region {Show(region)}.{hint}";
        }

        if (allowedRegions is not null && !allowedRegions.Contains(region))
        {
            var allowed = string.Join(", ", allowedRegions.Order(StringComparer.Ordinal));
            return $"Region {Show(region)} is not allowed here; allowed: {allowed}.";
        }

        return null;
    }

    /// <summary>EBS rules: io1/io2 are provisioned so need --iops; only gp3 takes --throughput.</summary>
    private static string? PerformanceProblem(VolumeType? type, int? iops, int? throughput)
    {
        (int Min, int Max)? iopsRange = type switch
        {
            VolumeType.Gp3 => (3000, 80000),
            VolumeType.Io1 => (100, 64000),
            VolumeType.Io2 => (100, 256000),
            _ => null,
        };

        if (iops is not null)
        {
            if (type is null)
            {
                return "--iops needs --type io1, io2 or gp3.";
            }

            if (iopsRange is not { } range)
            {
                return $"--iops does not apply to --type {type.Value.ToEc2Name()}; use it with io1, io2 or gp3.";
            }

            if (iops < range.Min || iops > range.Max)
            {
                return $"--iops {iops} is out of range for {type.Value.ToEc2Name()}: {range.Min}-{range.Max}.";
            }
        }
        else if (type is VolumeType.Io1 or VolumeType.Io2)
        {
            return $"--type {type.Value.ToEc2Name()} needs --iops <n> ({iopsRange!.Value.Min}-{iopsRange.Value.Max}).";
        }

        if (throughput is not null)
        {
            if (type is null)
            {
                return "--throughput needs --type gp3.";
            }

            if (type != VolumeType.Gp3)
            {
                return $"--throughput does not apply to --type {type.Value.ToEc2Name()}; only gp3 takes it.";
            }

            if (throughput is < 125 or > 2000)
            {
                return $"--throughput {throughput} is out of range for gp3: 125-2000 MiB/s.";
            }
        }

        return null;
    }

    private static (int Value, string? Problem) Limit(string? raw)
    {
        var (limit, problem) = Number(raw, "--limit", 1, ListLimits.Max, $"a whole number from 1 to {ListLimits.Max}");
        return (limit ?? ListLimits.Default, problem);
    }

    private static (int? Value, string? Problem) Number(string? raw, string option, int min, int max, string expected)
    {
        if (raw is null)
        {
            return (null, null);
        }

        return ValueRules.TryParseWholeNumber(raw, out var number) && number >= min && number <= max
            ? (number, null)
            : (null, $"{option} {Show(raw)} is not valid: {expected}.");
    }

    private static string? Check(string? value, Func<string, string?> rule) => value is null ? null : rule(value);

    private static InstanceRef? ToInstanceRef(string? value) => value is null ? null : new InstanceRef(value);
}
