using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatBackup.Bench;

/// <summary>
/// A closed-loop load generator: N connections, each sending its next request when the previous one
/// is answered (what wrk does), for a fixed time after a short warm-up. Unlike wrk it builds every
/// request itself, so each Slack command carries its own trigger_id and its own signature and every
/// Teams activity its own id: the bot enqueues real work instead of answering a duplicate.
/// </summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var scenario = args.Get("scenario");
        var target = args.Get("target", "?");
        var baseUrl = args.Get("url").TrimEnd('/');
        var connections = args.Int("connections", 50);
        var seconds = args.Double("seconds", 10);
        var warmup = args.Double("warmup", 1);
        var pids = args.Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var requests = new RequestFactory(scenario, baseUrl, args.Get("secret", ""), args.Get("service-url", ""));

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        // Probe once: a missing route is reported as such instead of as 100% errors.
        using (var probe = await client.SendAsync(requests.Next()))
        {
            if (probe.StatusCode == HttpStatusCode.NotFound)
            {
                return Write(args, new LoadResult(scenario, target, connections, seconds, Available: false, Note: "not available (404)"));
            }
        }

        var clock = Stopwatch.StartNew();
        var measureFrom = TimeSpan.FromSeconds(warmup);
        var measureTo = measureFrom + TimeSpan.FromSeconds(seconds);
        var workers = new Worker[connections];
        CpuSample? before = null;
        var startMeasure = Task.Run(async () =>
        {
            await Task.Delay(measureFrom);
            before = CpuSample.Take(pids);
        });
        for (var i = 0; i < connections; i++)
        {
            workers[i] = new Worker();
        }

        await Task.WhenAll(workers.Select(w => w.RunAsync(client, requests, clock, measureFrom, measureTo)).Append(startMeasure));
        var after = CpuSample.Take(pids);

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        var statuses = workers.SelectMany(w => w.Statuses).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var errors = workers.Sum(w => w.Errors);
        var window = seconds;
        return Write(args, new LoadResult(scenario, target, connections, seconds, Available: true)
        {
            Requests = latencies.Length,
            RequestsPerSecond = latencies.Length / window,
            P50Ms = Percentile(latencies, 0.50),
            P99Ms = Percentile(latencies, 0.99),
            MaxMs = latencies.Length == 0 ? 0 : Ms(latencies[^1]),
            Errors = errors,
            Statuses = statuses,
            GeneratorCores = (after.Self - before!.Self).TotalSeconds / window,
            TargetCores = pids.Length == 0 ? null : (after.Targets - before.Targets).TotalSeconds / window,
        });
    }

    private static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? 0 : Ms(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static int Write(Args args, LoadResult result)
    {
        var json = JsonSerializer.Serialize(result, Json.Options);
        Console.WriteLine(json);
        if (args.Get("out", "") is { Length: > 0 } path)
        {
            File.WriteAllText(path, json);
        }

        return 0;
    }

    private sealed class Worker
    {
        public List<long> Latencies { get; } = new(64 * 1024);

        public List<int> Statuses { get; } = new(64 * 1024);

        public int Errors { get; private set; }

        public async Task RunAsync(HttpClient client, RequestFactory requests, Stopwatch clock, TimeSpan from, TimeSpan to)
        {
            while (clock.Elapsed < to)
            {
                using var request = requests.Next();
                var started = clock.ElapsedTicks;
                int status;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                catch (TaskCanceledException)
                {
                    status = 0;
                }

                var ended = clock.ElapsedTicks;

                // Only requests that start and end inside the window count, as in wrk's steady state.
                if (TimeSpan.FromTicks(started * TimeSpan.TicksPerSecond / Stopwatch.Frequency) >= from && clock.Elapsed <= to)
                {
                    Latencies.Add(ended - started);
                    Statuses.Add(status);
                    if (status is < 200 or > 299)
                    {
                        Errors++;
                    }
                }
            }
        }
    }

    /// <summary>Builds each request fresh: unique ids, current timestamp, its own signature.</summary>
    private sealed class RequestFactory(string scenario, string baseUrl, string secret, string serviceUrl)
    {
        private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
        private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        private long _counter;

        public HttpRequestMessage Next()
        {
            var n = Interlocked.Increment(ref _counter);
            return scenario switch
            {
                "slack-help" => Slack("help", n),
                "slack-ami" => Slack($"ami web-01 --no-reboot --name bench-{_run}-{n}", n),
                "teams" => Teams(n),
                _ => throw new ArgumentException($"Unknown scenario '{scenario}'."),
            };
        }

        private HttpRequestMessage Slack(string text, long n)
        {
            var body = Encoding.UTF8.GetBytes(
                "token=deprecated&team_id=T0123TEAM&team_domain=example&channel_id=C0123OPS&channel_name=ops" +
                "&user_id=U0123ALICE&user_name=alice&command=%2Fbackup&text=" + Uri.EscapeDataString(text) +
                $"&api_app_id=A0123&trigger_id={_run}.{n}.bench");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = new byte[Encoding.UTF8.GetByteCount($"v0:{timestamp}:") + body.Length];
            var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:", signed);
            body.CopyTo(signed, prefix);
            var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/slack/commands")
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
            request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
            request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, signed)));
            return request;
        }

        private HttpRequestMessage Teams(long n)
        {
            var activity = TeamsActivity.Message($"{_run}-{n}", serviceUrl, "help");
            var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/messages")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(activity.ToJsonString())),
            };
            request.Content.Headers.ContentType = new("application/json");
            return request;
        }
    }

    private sealed record CpuSample(TimeSpan Self, TimeSpan Targets)
    {
        public static CpuSample Take(int[] pids) =>
            new(Process.GetCurrentProcess().TotalProcessorTime, pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcCpu(pid)));

        /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
        private static TimeSpan ProcCpu(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                return TimeSpan.FromSeconds(ticks / 100.0);
            }
            catch (IOException)
            {
                return TimeSpan.Zero;
            }
        }
    }
}

internal sealed record LoadResult(string Scenario, string Target, int Connections, double Seconds, bool Available, string? Note = null)
{
    public long Requests { get; init; }

    public double RequestsPerSecond { get; init; }

    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    public long Errors { get; init; }

    public Dictionary<int, int> Statuses { get; init; } = [];

    public double GeneratorCores { get; init; }

    public double? TargetCores { get; init; }
}

/// <summary>The Bot Framework message activity both Teams bots receive: the same JSON, byte for byte in shape.</summary>
internal static class TeamsActivity
{
    public static JsonObject Message(string id, string serviceUrl, string text) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:1bench-user", ["name"] = "Alice", ["aadObjectId"] = "00000000-0000-0000-0000-0000000a11ce" },
        ["conversation"] = new JsonObject
        {
            ["id"] = "19:bench-channel@thread.tacv2;messageid=1700000000000",
            ["conversationType"] = "channel",
            ["tenantId"] = "00000000-0000-0000-0000-00000000bea7",
            ["isGroup"] = true,
        },
        ["recipient"] = new JsonObject { ["id"] = "28:bench-bot", ["name"] = "ChatBackup" },
        ["text"] = $"<at>ChatBackup</at> {text}",
        ["textFormat"] = "plain",
        ["locale"] = "en-US",
        ["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>ChatBackup</at>",
            ["mentioned"] = new JsonObject { ["id"] = "28:bench-bot", ["name"] = "ChatBackup" },
        }),
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = "00000000-0000-0000-0000-00000000bea7" },
            ["team"] = new JsonObject { ["id"] = "19:bench-team@thread.tacv2" },
            ["channel"] = new JsonObject { ["id"] = "19:bench-channel@thread.tacv2" },
        },
    };
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
