using ChatBackup.Core.Running;

namespace ChatBackup.Host.Hosting;

public static partial class CrashPointExtensions
{
    /// <summary>
    /// <c>CHATBACKUP_CRASH_AT</c> is a test-only switch that makes the process kill itself: when it is
    /// set, say so loudly, and refuse a name that is not a crash point rather than ignore a typo.
    /// </summary>
    public static WebApplication WarnAboutCrashPoint(this WebApplication app)
    {
        if (CrashPoints.Armed is not { } point)
        {
            return app;
        }

        if (!CrashPoints.All.Contains(point, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"{CrashPoints.Variable} is '{point}', which is not a crash point ({string.Join(", ", CrashPoints.All)}). It is for tests only: unset it.");
        }

        LogArmed(app.Logger, CrashPoints.Variable, point);
        return app;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "{Variable}={Point} is set: this process will KILL ITSELF when it reaches that point. It is for crash tests only; never set it in production")]
    private static partial void LogArmed(ILogger logger, string variable, string point);
}
