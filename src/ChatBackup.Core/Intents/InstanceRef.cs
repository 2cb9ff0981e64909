namespace ChatBackup.Core.Intents;

/// <summary>An instance named by id (<c>i-…</c>) or by the value of its <c>Name</c> tag.</summary>
public sealed record InstanceRef(string Value)
{
    public bool IsId => ResourceIds.IsInstanceId(Value);

    public override string ToString() => Value;
}
