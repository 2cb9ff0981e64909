namespace ChatBackup.Core.Intents.ListBackups;

/// <summary><c>list amis [--instance] [--region] [--limit]</c>.</summary>
public sealed record ListAmisIntent(
    InstanceRef? Instance = null,
    string? TargetRegion = null,
    int Limit = ListLimits.Default) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.ListAmis;
}

/// <summary><c>list snapshots [--volume] [--instance] [--region] [--limit]</c>.</summary>
public sealed record ListSnapshotsIntent(
    string? VolumeId = null,
    InstanceRef? Instance = null,
    string? TargetRegion = null,
    int Limit = ListLimits.Default) : Intent
{
    public override string? Region => TargetRegion;

    public override OperationKind? Kind => OperationKind.ListSnapshots;
}

public static class ListLimits
{
    public const int Default = 20;
    public const int Max = 100;
}
