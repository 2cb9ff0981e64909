namespace ChatBackup.Core.Waiting;

public enum ResourceKind
{
    Image,
    Snapshot,
    Volume,
}

/// <summary>An EC2 resource an operation is waiting on; the poller watches it for every waiting operation at once.</summary>
public sealed record ResourceRef(ResourceKind Kind, string Region, string Id)
{
    public static ResourceRef Image(string region, string id) => new(ResourceKind.Image, region, id);

    public static ResourceRef Snapshot(string region, string id) => new(ResourceKind.Snapshot, region, id);

    public static ResourceRef Volume(string region, string id) => new(ResourceKind.Volume, region, id);
}
