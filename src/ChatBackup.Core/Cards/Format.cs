using System.Globalization;

namespace ChatBackup.Core.Cards;

/// <summary>How times, durations and sizes read on every card.</summary>
public static class Format
{
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalHours >= 1
            ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : span.TotalMinutes >= 1
                ? $"{span.Minutes}m {span.Seconds:00}s"
                : $"{span.Seconds}s";
    }

    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Age(DateTimeOffset time, DateTimeOffset now) => Duration(now - time) + " ago";

    public static string GiB(int size) => size.ToString(CultureInfo.InvariantCulture) + " GiB";
}
