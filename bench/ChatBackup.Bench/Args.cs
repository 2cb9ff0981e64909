using System.Globalization;

namespace ChatBackup.Bench;

/// <summary><c>--key value</c> pairs; every verb names what it needs and fails clearly without it.</summary>
internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --key, got '{args[i]}'.");
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = hasValue ? args[++i] : "true";
        }

        return new Args(values);
    }

    public string Get(string key) =>
        values.TryGetValue(key, out var value) ? value : throw new ArgumentException($"--{key} is required.");

    public string Get(string key, string fallback) => values.GetValueOrDefault(key, fallback);

    public int Int(string key, int fallback) =>
        values.TryGetValue(key, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) =>
        values.TryGetValue(key, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public TimeSpan Time(string key, TimeSpan fallback) =>
        values.TryGetValue(key, out var value) ? TimeSpan.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
