using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatBackup.Bench;

/// <summary>
/// A closed-loop load generator: N keep-alive connections, each sending its next request when the
/// previous answer is read (what wrk does), for a fixed time after a short warm-up. Unlike wrk it
/// gives every request its own ids and signature, so each Slack command carries its own trigger_id
/// and each Teams activity its own id: the bot enqueues real work instead of answering a duplicate.
/// </summary>
/// <remarks>
/// Every request is built, signed and encoded as HTTP/1.1 bytes before the clock starts (Slack
/// accepts a timestamp for 5 minutes, far longer than a run), and the connections write those bytes
/// to plain sockets and parse only the status line and framing of the answer. So the generator's CPU
/// in the measured window goes on sending and receiving, the same for every target, and not on HMACs,
/// form encoding or <see cref="HttpClient"/>'s header objects.
/// </remarks>
internal static class LoadCommand
{
    /// <summary>Requests are pre-built for this rate over the whole run; a faster target gets the rest signed in the loop (reported).</summary>
    private const int DefaultCeilingPerSecond = 60_000;

    public static async Task<int> RunAsync(Args args)
    {
        var scenario = args.Get("scenario");
        var target = args.Get("target", "?");
        var url = new Uri(args.Get("url"));
        var connections = args.Int("connections", 50);
        var seconds = args.Double("seconds", 10);
        var warmup = args.Double("warmup", 1);
        var pids = args.Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var factory = new RequestFactory(scenario, url, args.Get("secret", ""), args.Get("service-url", ""));
        var count = args.Int("requests", connections + (int)Math.Ceiling(DefaultCeilingPerSecond * (seconds + warmup)));

        var building = Stopwatch.StartNew();
        var requests = RequestPool.Build(factory, count);
        Console.Error.WriteLine($"load: {count:N0} {scenario} requests built in {building.Elapsed.TotalSeconds:0.0} s ({requests.Bytes / 1048576.0:0} MB)");

        // Probe once: a missing route is reported as such instead of as 100% errors.
        await using (var probe = await HttpConnection.OpenAsync(url))
        {
            if (await probe.SendAsync(factory.Build(-1), CancellationToken.None) == (int)HttpStatusCode.NotFound)
            {
                return Write(args, new LoadResult(scenario, target, connections, seconds, Available: false, Note: "not available (404)"));
            }
        }

        var workers = new Worker[connections];
        for (var i = 0; i < connections; i++)
        {
            workers[i] = new Worker(await HttpConnection.OpenAsync(url));
        }

        // Full collections now, not in the window: the pool is a few large arrays, so they are quick.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        var clock = Stopwatch.StartNew();
        var measureFrom = TimeSpan.FromSeconds(warmup);
        var measureTo = measureFrom + TimeSpan.FromSeconds(seconds);

        // A request still unanswered well after the window is counted as an error, not waited for.
        using var stop = new CancellationTokenSource(measureTo + TimeSpan.FromSeconds(5));
        CpuSample? before = null;
        var startMeasure = Task.Run(async () =>
        {
            await Task.Delay(measureFrom);
            before = CpuSample.Take(pids);
        });

        await Task.WhenAll(workers.Select(w => w.RunAsync(requests, clock, measureFrom, measureTo, stop.Token)).Append(startMeasure));
        var after = CpuSample.Take(pids);
        foreach (var worker in workers)
        {
            await worker.DisposeAsync();
        }

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
            Prebuilt = count,
            SignedInLoop = requests.SignedInLoop,
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

    private sealed class Worker(HttpConnection connection) : IAsyncDisposable
    {
        private HttpConnection _connection = connection;

        public List<long> Latencies { get; } = new(64 * 1024);

        public List<int> Statuses { get; } = new(64 * 1024);

        public int Errors { get; private set; }

        public async Task RunAsync(RequestPool requests, Stopwatch clock, TimeSpan from, TimeSpan to, CancellationToken cancellationToken)
        {
            var fromTicks = (long)(from.TotalSeconds * Stopwatch.Frequency);
            var toTicks = (long)(to.TotalSeconds * Stopwatch.Frequency);
            while (clock.ElapsedTicks < toTicks)
            {
                var request = requests.Next();
                var started = clock.ElapsedTicks;
                int status;
                try
                {
                    status = await _connection.SendAsync(request, cancellationToken);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
                {
                    status = 0;
                }

                var ended = clock.ElapsedTicks;

                // Only requests that start and end inside the window count, as in wrk's steady state.
                if (started >= fromTicks && ended <= toTicks)
                {
                    Latencies.Add(ended - started);
                    Statuses.Add(status);
                    if (status is < 200 or > 299)
                    {
                        Errors++;
                    }
                }

                if (status == 0 || _connection.Closed)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    // As a client library would: a broken or closed connection is replaced.
                    await _connection.DisposeAsync();
                    _connection = await HttpConnection.OpenAsync(_connection.Url);
                }
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    /// <summary>
    /// The requests of one run, encoded back to back in a few large arrays (so the GC has almost
    /// nothing to trace), handed out in order. Should a run outlast them, the rest are built and
    /// signed in the loop and counted, so the report shows it.
    /// </summary>
    private sealed class RequestPool
    {
        private const int SlabBytes = 16 * 1024 * 1024;

        private readonly ReadOnlyMemory<byte>[] _requests;
        private readonly RequestFactory _factory;
        private long _next = -1;
        private long _signedInLoop;

        private RequestPool(ReadOnlyMemory<byte>[] requests, RequestFactory factory, long bytes)
        {
            _requests = requests;
            _factory = factory;
            Bytes = bytes;
        }

        public long Bytes { get; }

        public long SignedInLoop => Interlocked.Read(ref _signedInLoop);

        public static RequestPool Build(RequestFactory factory, int count)
        {
            var requests = new ReadOnlyMemory<byte>[count];
            var slab = new byte[SlabBytes];
            var used = 0;
            long bytes = 0;
            for (var i = 0; i < count; i++)
            {
                var request = factory.Build(i);
                if (used + request.Length > slab.Length)
                {
                    slab = new byte[Math.Max(SlabBytes, request.Length)];
                    used = 0;
                }

                request.CopyTo(slab, used);
                requests[i] = new ReadOnlyMemory<byte>(slab, used, request.Length);
                used += request.Length;
                bytes += request.Length;
            }

            return new RequestPool(requests, factory, bytes);
        }

        public ReadOnlyMemory<byte> Next()
        {
            var n = Interlocked.Increment(ref _next);
            if (n < _requests.Length)
            {
                return _requests[n];
            }

            Interlocked.Increment(ref _signedInLoop);
            return _factory.Build(n);
        }
    }

    /// <summary>Builds request number <c>n</c> as HTTP/1.1 bytes: unique ids, a current timestamp, its own signature.</summary>
    private sealed class RequestFactory(string scenario, Uri url, string secret, string serviceUrl)
    {
        private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
        private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        private readonly string _host = url.Authority;

        public byte[] Build(long n) => scenario switch
        {
            "slack-help" => Slack("help", n),
            "slack-ami" => Slack($"ami web-01 --no-reboot --name bench-{_run}-{n}", n),
            "teams" => Teams(n),
            _ => throw new ArgumentException($"Unknown scenario '{scenario}'."),
        };

        private byte[] Slack(string text, long n)
        {
            var body = Encoding.UTF8.GetBytes(
                "token=deprecated&team_id=T0123TEAM&team_domain=example&channel_id=C0123OPS&channel_name=ops" +
                "&user_id=U0123ALICE&user_name=alice&command=%2Fbackup&text=" + Uri.EscapeDataString(text) +
                $"&api_app_id=A0123&trigger_id={_run}.{n}.bench");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = new byte[Encoding.UTF8.GetByteCount($"v0:{timestamp}:") + body.Length];
            var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:", signed);
            body.CopyTo(signed, prefix);
            var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, signed));
            return Http("/slack/commands", "application/x-www-form-urlencoded", body, $"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n");
        }

        private byte[] Teams(long n)
        {
            var activity = TeamsActivity.Message($"{_run}-{n}", serviceUrl, "help");
            return Http("/api/messages", "application/json", Encoding.UTF8.GetBytes(activity.ToJsonString()), "");
        }

        private byte[] Http(string path, string contentType, byte[] body, string headers)
        {
            var head = Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: {_host}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{headers}\r\n");
            return [.. head, .. body];
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

    /// <summary>Requests built and signed before the run.</summary>
    public long Prebuilt { get; init; }

    /// <summary>Requests the run needed beyond <see cref="Prebuilt"/>, built and signed in the measured loop.</summary>
    public long SignedInLoop { get; init; }
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
