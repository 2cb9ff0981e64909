using System.Diagnostics;

namespace ChatBackup.Core.Running;

/// <summary>
/// TEST-ONLY fault injection for the crash-and-restart tests. When the environment variable
/// <c>CHATBACKUP_CRASH_AT</c> names a point, the process kills itself with SIGKILL (no shutdown,
/// no flushing, exactly like an OOM kill or a node loss) the first time it reaches that point.
/// It is read from the environment only, never from configuration, so no settings file, secret
/// store or command-line switch can arm it; the host refuses an unknown name and logs a warning
/// at start-up whenever it is set. Unset, <see cref="Hit"/> is one null check.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "CHATBACKUP_CRASH_AT";

    /// <summary>CreateVolume returned; the volume id is not saved yet.</summary>
    public const string VolumeCreated = "volume-created";

    /// <summary>AttachVolume returned; the request is not saved yet.</summary>
    public const string VolumeAttachRequested = "volume-attach-requested";

    /// <summary>The chat accepted the card; its message id is not saved yet.</summary>
    public const string CardPosted = "card-posted";

    /// <summary>The chat accepted the "AMI available" notification; NotificationSent is not saved yet.</summary>
    public const string NotificationPosted = "notification-posted";

    /// <summary>A step's claim was saved (not the last step); nothing was published or scheduled yet.</summary>
    public const string StepSaved = "step-saved";

    /// <summary>The final state was saved; the card and the notification are not published yet.</summary>
    public const string OperationFinished = "operation-finished";

    public static IReadOnlyList<string> All { get; } =
        [VolumeCreated, VolumeAttachRequested, CardPosted, NotificationPosted, StepSaved, OperationFinished];

    private static readonly string? ArmedPoint = Read();
    private static int _fired;

    /// <summary>The point named by <c>CHATBACKUP_CRASH_AT</c>, or null (always, in production).</summary>
    public static string? Armed => ArmedPoint;

    /// <summary>Kills the process when <paramref name="point"/> is the armed point and has not been reached before.</summary>
    public static void Hit(string point)
    {
        if (ArmedPoint is null || !string.Equals(ArmedPoint, point, StringComparison.Ordinal) || Interlocked.Exchange(ref _fired, 1) != 0)
        {
            return;
        }

        Console.Error.WriteLine($"{Variable}: killing process {Environment.ProcessId} at '{point}'");
        Console.Error.Flush();

        // SIGKILL on Unix (TerminateProcess on Windows): nothing after this line runs, no finally, no disposal.
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static string? Read() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value.Trim() : null;
}
