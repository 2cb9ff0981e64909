using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ChatBackup.Core.Commands;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Running;
using Hangfire;
using Hangfire.Server;

namespace ChatBackup.Bench;

/// <summary>
/// Starts N AMI operations at once through the real command path (parse, look up, record, enqueue),
/// against the EC2 fake whose images stay pending for a set number of polls, and waits until every
/// operation has sent its "AMI available" notification. Runs in its own process, so its peak RSS is
/// the app's with N operations in flight.
/// </summary>
internal static class FanoutCommand
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(Args args)
    {
        var count = args.Int("ops", 1000);

        // One conversation per operation measures the bot; fewer puts the platform's per-channel pace in play.
        var channels = Math.Clamp(args.Int("channels", count), 1, count);
        var pendingPolls = args.Int("pending-polls", 5);
        var pollInterval = args.Time("poll-interval", TimeSpan.FromSeconds(1));
        var timeout = args.Time("timeout", TimeSpan.FromMinutes(2));
        var timer = new JobTimer();
        GlobalJobFilters.Filters.Add(timer);

        var settings = BenchApp.Settings(args.Get("slack-api"), "fanout-secret-not-used-by-requests", new Dictionary<string, string?>
        {
            ["Backup:PollInterval"] = pollInterval.ToString("c", CultureInfo.InvariantCulture),
        });
        await using var app = new BenchApp(FreePort(), settings, pendingPolls);
        app.StartServer();
        var commands = app.Services.GetRequiredService<ICommandService>();
        var store = app.Services.GetRequiredService<IOperationStore>();
        var baselineRss = ProcStatus("VmRSS");

        var stub = new Uri(new Uri(args.Get("slack-api")), "/");
        using var http = new HttpClient { BaseAddress = stub };

        // A bot that has been running has its code compiled and its pools grown; a fresh process
        // spends the first seconds of any burst on the JIT's tiering. A small fan-out first, not
        // measured, makes the measured one meet the bot as it would be in production.
        var warmup = args.Int("warmup", Math.Min(200, count));
        if (warmup > 0)
        {
            var warm = await StartAsync(commands, store, warmup, warmup, "warm", CancellationToken.None);
            await WaitNotifiedAsync(store, warm, timeout);
        }

        var localSteps = app.Services.GetRequiredService<LocalStepRunner>();
        var (stepsBefore, stepTimeBefore) = (localSteps.StepsRun, localSteps.StepTime);
        var callsBefore = app.Ec2.Calls.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        timer.Reset();
        (await http.PostAsync("recording/start", null)).EnsureSuccessStatusCode();

        // On Linux the timestamp is CLOCK_MONOTONIC in ns: `perf record -k CLOCK_MONOTONIC` can cut a profile here.
        await Console.Error.WriteLineAsync(FormattableString.Invariant($"fanout: measuring from monotonic {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:F6} s"));
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var ids = await StartAsync(commands, store, count, channels, "fan", CancellationToken.None);
        var submitted = clock.Elapsed;

        // The store is looked at only to know when to stop (every 250 ms, so the looking costs the
        // bot little CPU); the times reported come from the Slack stub's recording.
        var (notified, failed, peakRss) = await WaitNotifiedAsync(store, ids, timeout);
        var waited = clock.Elapsed;
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var state = (await store.GetAsync(id, CancellationToken.None))?.State.ToString() ?? "missing";
            states[state] = states.GetValueOrDefault(state) + 1;
        }

        var images = app.Ec2.Images.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var imageOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in notified)
        {
            imageOf[id] = (await store.GetAsync(id, CancellationToken.None))?.Resource(ResourceKeys.ImageId) ?? "";
        }

        // Lag is from the fake reporting the image available to Slack's stub receiving the reply.
        var measured = ids.ToHashSet(StringComparer.Ordinal);
        var chat = (await http.GetFromJsonAsync<List<RecordedChatCall>>("recording", Json.Options) ?? [])
            .Where(c => c.OperationId is null || measured.Contains(c.OperationId))
            .ToList();
        var repliedAt = chat
            .Where(c => c.Purpose == "notification" && c.OperationId is not null)
            .GroupBy(c => c.OperationId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => DateTimeOffset.FromUnixTimeMilliseconds(g.Min(c => c.AtMs)), StringComparer.Ordinal);
        var lags = notified
            .Where(id => repliedAt.ContainsKey(id) && images.TryGetValue(imageOf[id], out var image) && image.AvailableAt is not null)
            .Select(id => (repliedAt[id] - images[imageOf[id]].AvailableAt!.Value).TotalMilliseconds)
            .Order()
            .ToArray();
        // The late ones, told step by step on stderr: what a slow run needs looked at.
        foreach (var id in notified.Where(id => repliedAt.ContainsKey(id) && images.TryGetValue(imageOf[id], out var i) && i.AvailableAt is { } at && (repliedAt[id] - at) > pollInterval).Take(5))
        {
            var available = images[imageOf[id]].AvailableAt!.Value;
            var told = string.Join(", ", chat.Where(c => c.OperationId == id).Select(c => FormattableString.Invariant($"{c.Purpose} {c.Method} {(DateTimeOffset.FromUnixTimeMilliseconds(c.AtMs) - available).TotalMilliseconds:+0;-0} ms")));
            await Console.Error.WriteLineAsync(FormattableString.Invariant($"late: {id} available {(available - started).TotalSeconds:0.000} s after start; chat calls from then: {told}"));
        }

        var posts = chat.Where(c => c.Method == "chat.postMessage").ToList();
        var cardPostedAt = chat
            .Where(c => c.Purpose == "card" && c.OperationId is not null)
            .GroupBy(c => c.OperationId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => DateTimeOffset.FromUnixTimeMilliseconds(g.Min(c => c.AtMs)), StringComparer.Ordinal);
        var cardLags = cardPostedAt.Select(c => (c.Value - started).TotalMilliseconds).Order().ToArray();
        var calls = app.Ec2.Calls.ToDictionary(c => c.Key, c => c.Value - callsBefore.GetValueOrDefault(c.Key), StringComparer.Ordinal);

        // Wall time ends when the stub received the last notification (not when the sampling saw it).
        var wall = repliedAt.Count == notified.Count && repliedAt.Count > 0
            ? repliedAt.Values.Max() - started
            : waited;
        var describes = calls.Where(c => c.Key.StartsWith("Describe", StringComparison.Ordinal) && c.Key != "DescribeInstances").Sum(c => c.Value);
        var ticks = Math.Max(1, wall / pollInterval);

        var result = new FanoutResult(count, pendingPolls, pollInterval.TotalSeconds)
        {
            Notified = notified.Count,
            States = states,
            Failed = failed.Count,
            SubmitSeconds = submitted.TotalSeconds,
            WallSeconds = wall.TotalSeconds,
            Ec2Calls = calls,
            Ec2CallsPerOperation = calls.Values.Sum() / (double)count,
            DescribesPerOperation = describes / (double)count,
            DescribesPerTick = describes / ticks,
            Ticks = ticks,
            PeakRssMb = ProcStatus("VmHWM") / 1024.0,
            PeakRssSampledMb = peakRss / 1024.0,
            BaselineRssMb = baselineRss / 1024.0,
            HangfireJobs = timer.Jobs,
            HangfireWorkerSeconds = timer.Elapsed.TotalSeconds,
            PollerSteps = localSteps.StepsRun - stepsBefore,
            PollerStepSeconds = (localSteps.StepTime - stepTimeBefore).TotalSeconds,
            Warmup = warmup,
            LagP50Ms = lags.Length == 0 ? null : lags[lags.Length / 2],
            LagP99Ms = lags.Length == 0 ? null : lags[(int)(lags.Length * 0.99)],
            LagMaxMs = lags.Length == 0 ? null : lags[^1],
            LateNotifications = lags.Count(l => l > pollInterval.TotalMilliseconds),
            CardPostedP50Seconds = cardLags.Length == 0 ? null : cardLags[cardLags.Length / 2] / 1000,
            CardPostedMaxSeconds = cardLags.Length == 0 ? null : cardLags[^1] / 1000,
            Channels = channels,
            ChatPosts = posts.Count,
            ChatUpdates = chat.Count(c => c.Method == "chat.update"),
            DuplicatePosts = posts.Where(c => c.OperationId is not null).GroupBy(c => (c.OperationId, c.Purpose)).Sum(g => g.Count() - 1),
            MaxPostsPerChannelPerSecond = MaxInAnySecond(posts),
        };
        var json = JsonSerializer.Serialize(result, Json.Options);
        Console.WriteLine(json);
        if (args.Get("out", "") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, json);
        }

        return notified.Count == count ? 0 : 1;
    }

    /// <summary>Starts <paramref name="count"/> AMI operations through the command path and returns their ids.</summary>
    private static async Task<List<string>> StartAsync(ICommandService commands, IOperationStore store, int count, int channels, string prefix, CancellationToken cancellationToken)
    {
        var requester = new Requester("slack", "U0123ALICE", "alice");
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, ct) =>
            await commands.HandleAsync(
                new ChatCommand(requester, new ConversationRef("slack", Channel(prefix, i % channels)), $"ami web-01 --no-reboot --name {prefix}-{i}", $"T0123TEAM:{prefix}-{i}"), ct));

        // By state rather than by channel: listing 10,000 channels one by one would cost the bot's
        // CPU quadratically while it works. States only move forward, so listing them in that order
        // misses no operation that moves during the listing.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        OperationState[] order = [OperationState.Queued, OperationState.Running, OperationState.Succeeded, OperationState.Failed, OperationState.Cancelled];
        foreach (var state in order)
        {
            foreach (var operation in await store.ListByStateAsync(state, null, int.MaxValue, cancellationToken))
            {
                if (operation.RequestKey?.StartsWith($"T0123TEAM:{prefix}-", StringComparison.Ordinal) == true)
                {
                    ids.Add(operation.Id);
                }
            }
        }

        return [.. ids];
    }

    /// <summary>Waits until every operation has sent its notification or ended otherwise; samples peak RSS meanwhile.</summary>
    private static async Task<(List<string> Notified, List<string> Failed, long PeakRss)> WaitNotifiedAsync(IOperationStore store, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var open = new HashSet<string>(ids, StringComparer.Ordinal);
        var notified = new List<string>(ids.Count);
        var failed = new List<string>();
        long peakRss = 0;
        while (open.Count > 0 && clock.Elapsed < timeout)
        {
            foreach (var id in open.ToList())
            {
                var operation = await store.GetAsync(id, CancellationToken.None);
                if (operation is { NotificationSent: true })
                {
                    notified.Add(id);
                    open.Remove(id);
                }
                else if (operation is { State: OperationState.Failed or OperationState.Cancelled or OperationState.Rejected or OperationState.Expired })
                {
                    failed.Add(id);
                    open.Remove(id);
                }
            }

            peakRss = Math.Max(peakRss, ProcStatus("VmRSS"));
            if (open.Count > 0)
            {
                await Task.Delay(Sample);
            }
        }

        return (notified, failed, peakRss);
    }

    private static string Channel(string prefix, int i) => $"C{prefix.ToUpperInvariant()}{i:D6}";

    /// <summary>The most posts any one channel received within any 1-second window.</summary>
    private static int MaxInAnySecond(List<RecordedChatCall> posts)
    {
        var most = 0;
        foreach (var channel in posts.GroupBy(p => p.Channel, StringComparer.Ordinal))
        {
            var times = channel.Select(p => p.AtMs).Order().ToArray();
            var start = 0;
            for (var end = 0; end < times.Length; end++)
            {
                while (times[end] - times[start] >= 1000)
                {
                    start++;
                }

                most = Math.Max(most, end - start + 1);
            }
        }

        return most;
    }

    /// <summary>A line of /proc/self/status in kB: VmRSS now, VmHWM the peak so far.</summary>
    private static long ProcStatus(string key)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Adds up the time Hangfire workers spend inside jobs: the cost the poller design decides.</summary>
    private sealed class JobTimer : IServerFilter
    {
        private const string StartedKey = "bench:started";
        private long _ticks;
        private long _jobs;

        public long Jobs => Interlocked.Read(ref _jobs);

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

        /// <summary>Forgets the warm-up's jobs.</summary>
        public void Reset()
        {
            Interlocked.Exchange(ref _ticks, 0);
            Interlocked.Exchange(ref _jobs, 0);
        }

        public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = Stopwatch.GetTimestamp();

        public void OnPerformed(PerformedContext context)
        {
            if (context.Items.TryGetValue(StartedKey, out var started))
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - (long)started);
                Interlocked.Increment(ref _jobs);
            }
        }
    }
}

internal sealed record FanoutResult(int Operations, int PendingPolls, double PollIntervalSeconds)
{
    public int Notified { get; init; }

    public int Failed { get; init; }

    /// <summary>Where the operations ended, to tell a slow run from a stuck one.</summary>
    public Dictionary<string, int> States { get; init; } = [];

    public double SubmitSeconds { get; init; }

    public double WallSeconds { get; init; }

    public Dictionary<string, int> Ec2Calls { get; init; } = [];

    public double Ec2CallsPerOperation { get; init; }

    public double DescribesPerOperation { get; init; }

    public double DescribesPerTick { get; init; }

    public double Ticks { get; init; }

    public double PeakRssMb { get; init; }

    public double PeakRssSampledMb { get; init; }

    public double BaselineRssMb { get; init; }

    public long HangfireJobs { get; init; }

    public double HangfireWorkerSeconds { get; init; }

    /// <summary>Steps the poller found due and ran beside the Hangfire workers, and the time spent in them.</summary>
    public long PollerSteps { get; init; }

    public double PollerStepSeconds { get; init; }

    /// <summary>Operations run first, unmeasured (0: a freshly started process meets the burst).</summary>
    public int Warmup { get; init; }

    public double? LagP50Ms { get; init; }

    public double? LagP99Ms { get; init; }

    public double? LagMaxMs { get; init; }

    /// <summary>Notifications sent more than one poll interval after the fake reported the image available.</summary>
    public int LateNotifications { get; init; }

    /// <summary>When cards reached Slack, in seconds from the first command (median and last).</summary>
    public double? CardPostedP50Seconds { get; init; }

    public double? CardPostedMaxSeconds { get; init; }

    /// <summary>Conversations the operations were spread over.</summary>
    public int Channels { get; init; }

    public int ChatPosts { get; init; }

    public int ChatUpdates { get; init; }

    /// <summary>Posts with the same operation and purpose beyond the first (must be 0).</summary>
    public int DuplicatePosts { get; init; }

    /// <summary>The most posts one channel received in any 1-second window (Slack allows about 1).</summary>
    public int MaxPostsPerChannelPerSecond { get; init; }
}
