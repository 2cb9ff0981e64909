namespace ChatBackup.Core.Ec2;

public enum Ec2FaultKind
{
    /// <summary>The request was wrong or the resource is not in a state for it: retrying will not help.</summary>
    Permanent,

    /// <summary>EC2 throttled us (<c>RequestLimitExceeded</c>): slow down and retry.</summary>
    Throttled,

    /// <summary>A network fault or 5xx: retry.</summary>
    Transient,

    /// <summary>The credentials may not do this (<c>UnauthorizedOperation</c>, <c>AuthFailure</c>).</summary>
    Unauthorized,

    /// <summary>The resource does not exist (<c>*.NotFound</c>).</summary>
    NotFound,
}

/// <summary>An EC2 call failed; <see cref="Code"/> is EC2's error code (for example <c>InvalidInstanceID.NotFound</c>).</summary>
public sealed class Ec2Exception(string code, string message, Ec2FaultKind kind, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public Ec2FaultKind Kind { get; } = kind;

    public bool IsRetryable => Kind is Ec2FaultKind.Throttled or Ec2FaultKind.Transient;
}

/// <summary>Tag keys every created resource carries.</summary>
public static class BackupTags
{
    public const string Name = "Name";
    public const string Operation = "chatbackup:operation";
    public const string Source = "chatbackup:source";
    public const string RequestedBy = "chatbackup:requested-by";
    public const string Channel = "chatbackup:channel";
}
