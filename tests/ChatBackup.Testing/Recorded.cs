namespace ChatBackup.Testing;

/// <summary>Waiting for a call that a recording server has received (or will receive shortly).</summary>
public static class Recorded
{
    /// <summary>Polls <paramref name="calls"/> until one matches; on timeout fails listing everything recorded.</summary>
    public static async Task<T> WaitForAsync<T>(IEnumerable<T> calls, Func<T, bool> predicate, TimeSpan? timeout, string what)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var seen = calls.ToList();
            if (seen.FirstOrDefault(predicate) is { } match)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline)
            {
                var recorded = seen.Count == 0 ? "  (nothing)" : string.Join('\n', seen.Select(c => "  " + c));
                throw new TimeoutException($"No matching {what} call within {limit}. Recorded:\n{recorded}");
            }

            await Task.Delay(20);
        }
    }
}
